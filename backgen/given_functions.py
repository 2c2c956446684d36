"""Functions a call of the decorated function passes it: ``f(x, W, np.tanh)``, ``partial(loss, act=relu)``.

``def f(x, W, act): return np.sum(act(x @ W))``, called by the decorator with ``act=np.tanh``, is read
as ``def f(x, W, act=np.tanh)`` is (``parse._main_function_defaults``): each call of the parameter is a
call of that function, and the backward checks that it is given it (``if getattr(act, '__name__', None) !=
'tanh': raise ValueError(...)``).  The decorator keys its code on the function given (``api._shape_key``),
so a call passing another function gets code of its own.

Contract: ``read_as_given(forward, live, given)`` is a copy of ``forward`` (read from the live function
``live``) with each parameter of ``given`` (``{parameter: function}``) read as its function, where

* the function can be named in the generated module: one of NumPy's or math's (``np.tanh``, ``np.exp``,
  ``math.erf``: spelled with the name the module binds NumPy or math to, or ``np`` / ``math``, imported
  by the generated module), or a def of the user's bound at the top level of ``live``'s module under its
  own name (``relu``), reading no array of that module (which each call would have to pass it);
* the function differentiated reads the parameter only as the function it calls (``act(h)``) or hands
  on to a function of the user's (``layer(x, W, act)``: that helper then written for it, as
  ``higher_order`` writes one given a function by name), and never binds it.

A dict the call passes holding functions by string keys (``cfg = {"act": np.tanh, "reg": 0.1}``), whose
entry the function reads only to call it (``cfg["act"](h)``), never writing into the dict: each call of
the entry is a call of its function (``entries``, ``{(parameter, key): function}``: ``entries_of``), the
backward checking it is given that one (``getattr(cfg['act'], '__name__', None)``).
A parameter defaulting to a function (``act=np.tanh``), read as its default, is read as the function
given instead where that is another (each read of it the parse marked, ``default_of``).  A parameter not
read so is left as it was (its call refused, saying to pass the function by its name to a function of
the user's).  ``functions_of(params, values)`` gives ``{parameter: function}`` for the
values a call passes that are functions (``is_function``: NumPy's ufuncs and functions, builtins such as
``math.exp``, defs), the input of ``read_as_given``; ``called_params(func)`` the parameters a def calls (whose
functions the decorator learns at the first call).
"""

import ast
import math
import types

import numpy as np

from . import higher_order
from .source import tree_copy, walk


def called_params(func):
    """The parameters the def ``func`` calls as functions (``act(h)``), or whose entries it calls
    (``cfg["act"](h)``)."""
    params = {a.arg for a in func.args.posonlyargs + func.args.args + func.args.kwonlyargs}
    called = [n.func.value if isinstance(n.func, ast.Subscript) else n.func for n in walk(func)
              if isinstance(n, ast.Call)]
    return {n.id for n in called if isinstance(n, ast.Name) and n.id in params}


def functions_of(params, values):
    """``{parameter: value}`` for those of ``values`` (in the order of ``params``) that are functions."""
    return {name: value for name, value in zip(params, values) if is_function(value)}


def is_function(value):
    """Whether ``value`` is a function a call may pass to be called (NumPy's, math's, a def)."""
    return isinstance(value, (types.FunctionType, types.BuiltinFunctionType, np.ufunc)) or \
        type(value).__name__ == "_ArrayFunctionDispatcher"  # (np.sum, np.linalg.norm in NumPy 2)


def entries_of(params, values):
    """``{(parameter, key): function}`` for the entries of the dicts of ``values`` (in the order of ``params``)
    that are functions, by string keys (``cfg = {"act": np.tanh, "reg": 0.1}``)."""
    return {(name, key): entry for name, value in zip(params, values) if type(value) is dict
            for key, entry in value.items() if isinstance(key, str) and is_function(entry)}


def read_as_given(forward, live, given, entries=None):
    """``forward`` with the parameters of ``given`` read as the functions given (see the module's contract);
    ``forward`` itself where none is."""
    from .parse import _library, _read_as_defaults, module_arrays_read, read_plain  # (parse imports much)
    func = forward.func
    params = {a.arg for a in func.args.posonlyargs + func.args.args + func.args.kwonlyargs}
    stored = {n.id for n in walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    calls = [n for n in walk(func) if isinstance(n, ast.Call)]
    called = {id(n.func) for n in calls}
    handed = {id(a) for n in calls if isinstance(n.func, ast.Name) and n.func.id in forward.helpers
              for a in n.args + [k.value for k in n.keywords if k.arg]}  # (layer(x, act): written for it)
    read_otherwise = {n.id for n in walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
                      and id(n) not in called and id(n) not in handed}
    spelled, modules, helpers = {}, {}, {}
    defaults = {name: value[0] for name, value in forward.function_defaults.items() if len(value) == 2}
    counted = getattr(func, "default_reads", {})  # (the reads of each read as its default, as the parse put them)

    def spell(value):  # (np.tanh by the name the module reads NumPy by; relu by its def's name)
        module = _library_module(value)
        if module is not None:
            alias = _alias(forward, live, module, params | stored)
            if alias is not None:
                modules[alias] = module
                return ast.Attribute(ast.Name(alias, ast.Load()), value.__name__, ast.Load())
        elif isinstance(value, types.FunctionType) and not _library(value) and \
                live.__globals__.get(value.__name__) is value and value.__name__ not in params | stored and \
                value.__name__ != func.name and not module_arrays_read(value):
            helpers[value.__name__] = value
            return ast.Name(value.__name__, ast.Load())
        return None
    for name, value in given.items():
        if name not in params or name in stored or name in read_otherwise or name in defaults and \
                sum(getattr(n, "default_of", None) == name for n in walk(func)) != counted.get(name):
            continue  # (a default's reads not all found as put: left for its default, another function refused)
        node = spell(value)
        if node is not None:
            spelled[name] = node
    spelled = {name: node for name, node in spelled.items() if ast.unparse(node) != defaults.get(name)}
    entries = {place: node for place, value in (entries or {}).items()
               if place[0] in params and place[0] not in stored and _called_only(func, *place)
               for node in [spell(value)] if node is not None}
    if not spelled and not entries:  # (none, or each the function the parameter defaults to)
        return forward
    forward = tree_copy(forward)
    for key in ("nodes", "settings"):  # (worked out of the tree as read, which changes here)
        forward.__dict__.pop(key, None)
    forward.env.update(modules)
    forward.helpers.update(helpers)
    _read_as_defaults(forward.func, spelled)
    _defaults_replaced(forward.func, spelled)
    _entries_replaced(forward.func, entries)
    if forward.helpers and handed:  # (the helpers given them, each written for its function)
        higher_order.specialize(forward, read_plain)
    forward.function_defaults.update((name, (ast.unparse(node), ast.unparse(node).rpartition(".")[2], "given"))
                                     for name, node in spelled.items())
    forward.function_defaults.update((f"{name}[{key!r}]", (ast.unparse(node), ast.unparse(node).rpartition(".")[2],
                                                           "given")) for (name, key), node in entries.items())
    return forward


def _entry(node, name, key):
    return isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == name and \
        isinstance(node.slice, ast.Constant) and node.slice.value == key


def _called_only(func, name, key):
    """Whether ``func`` reads ``name[key]`` only to call it (``cfg["act"](h)``), once at least, and never
    writes it (nor deletes it, nor the dict's other entries by a key it computes)."""
    calls = {id(n.func) for n in walk(func) if isinstance(n, ast.Call) and _entry(n.func, name, key)}
    written = any(isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name) and n.value.id == name and
                  not isinstance(n.ctx, ast.Load) for n in walk(func))
    reads = [n for n in walk(func) if _entry(n, name, key)]
    return bool(calls) and not written and all(id(n) in calls for n in reads)


def _entries_replaced(func, entries):
    """Each call of an entry of ``entries`` (``{(parameter, key): function}``), ``cfg["act"](h)``, in ``func``
    in place, the call of that function."""
    class Calls(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            place = next((p for p in entries if _entry(node.func, *p)), None)
            if place is not None:
                node.func = ast.copy_location(tree_copy(entries[place]), node.func)
            return node
    if entries:
        func.body = [Calls().visit(stmt) for stmt in func.body]
        ast.fix_missing_locations(func)


def _defaults_replaced(func, spelled):
    """Each read of a parameter defaulting to a function, read as its default (``np.tanh`` where ``act`` was:
    ``parse._read_as_defaults`` marks it), in ``func`` in place, the function ``spelled`` gives for it."""
    class Reads(ast.NodeTransformer):
        def visit(self, node):
            name = getattr(node, "default_of", None)
            if name in spelled:
                read = ast.copy_location(tree_copy(spelled[name]), node)
                read.default_of = name
                return read
            return self.generic_visit(node)
    func.body = [Reads().visit(stmt) for stmt in func.body]
    ast.fix_missing_locations(func)


def _library_module(value):
    """``"numpy"`` or ``"math"`` where ``value`` is the function of that name there (``np.tanh``), else None."""
    name = getattr(value, "__name__", None)
    if not isinstance(name, str) or not name.isidentifier():
        return None
    for module, spelling in ((np, "numpy"), (math, "math")):
        if getattr(module, name, None) is value:
            return spelling
    return None


def _alias(forward, live, module, taken):
    """The name ``forward`` reads ``module`` ("numpy" or "math") by: one it reads already, else one its
    module binds to it, else the module's usual name (``np``, ``math``) where nothing of the function takes
    it; None where no name is free."""
    found = next((name for name, meaning in forward.env.items() if meaning == module), None)
    if found is not None:
        return found
    value = {"numpy": np, "math": math}[module]
    bound = sorted(name for name, v in live.__globals__.items() if v is value and name not in taken)
    usual = "np" if module == "numpy" else "math"
    if usual in bound or not bound and usual not in taken and usual not in live.__globals__:
        return usual
    return bound[0] if bound else None
