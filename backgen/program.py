"""Building a program: stage a forward function, learn its shapes, differentiate it
and the helpers it calls.

Contract: ``program(forward, wrt, shapes, args) -> ir.Program`` runs the
pipeline for one parsed forward function: ``stage`` (with the declared
shapes), ``shapes.infer`` (NumPy code: on ``args`` or on sample inputs of the
declared shapes, their named dimensions of sizes the code runs at where it asks
for some: ``_refitted``, else a refusal naming the shapes declared), then ``reverse``; each helper it calls is built the same way,
once per pattern of argument ranks (its callers' code written for one shape of each value it returns: a
helper returning values of a shape each path gives is refused).  ``backward_program`` does the same from a
function or source text; for NumPy code whose shapes are not given it writes
the shape-generic backward (``_shape_free``: rules in forms valid for every
shape, checked to write the same code on sample arrays of several ranks; a value of a shape of its own
on each path of an if at some sample has the code after the if written into each path, at every sample).
Problems with user code are ``BackgenError``; an unexpected failure inside
backgen is reported as one too (``guarded``).
"""

import ast
import contextvars
import copy
import dataclasses
import functools
import itertools
import math
import re

import numpy as np

from . import emit, objects
from .cache import backward_name as layer_backward_name, cached_values, from_user_cache
from .docshapes import ANY_RANK, complex_entries, docstring_shapes, passed_shapes
from . import value_sized
from .errors import BackgenError, NoSourceError
from .guarded import names_holding_infinity, outputs_may_hold_infinity, outputs_never_negative
from . import dead_paths, ir, other_samples, runtime, singular_samples, source, step_bodies, structured, tails, view_targets
from .inline import inlined
from .inplace import fresh
from .memory import layout_holds
from .nan_data import nan_left_out
from .ir import Program, map_ops, ops_in
from .parse import array_default, default_value, read, read_helper
from .peel import MAX_UNROLLED, loop_place, peeled, unrolled
from .reverse import fills_with, reverse, varied_values
from .selections import check_other_values, data_numbers, data_sized, data_varying, layout_varies, sized_axes
from .sandwich import sandwich
from .shapes import DeadBranch, SampleSettings, check_differentiable, dim_sizes, examples, infer_ran, list_names
from .shapes import Items, definite_at_calls, pattern_conflict
from .sample_sizes import Sizes, about_sizes
from .shapes import check_room, checked_loops, run_check
from .item_checks import items_read
from .shape_free import _indexed_in as indexed_in, indexed_ranks, item_lists, uses as uses_of, write as write_shape_free
from .shapes import Spec
from .shapes import spec as shape_spec
from .source import decided as _decided, holds, walk, tree_copy, names_of
from .stage import stage, uses_numpy


MAX_PEELS = 4  # loop iterations written out, in all, to let values settle their shapes
MAX_UNROLLS = 4  # loops written out whole, in all, a value changing shape in each iteration
MAX_SPLITS = 4  # branches whose tails are written into each path, in all
MAX_DEAD_BRANCHES = 16  # branches left out where NumPy raises on them at the shapes the code is for


def backward_program(func_or_source, wrt=None, name=None, filename=None, shapes=None, args=None,
                     user_cache=False):
    """The ``ir.Program`` of a forward function: its backward, with its helpers'.

    NumPy code needs shapes: from ``args`` (example inputs), or declared by
    ``shapes`` (``{"x": "N, D"}``) and the parameters' annotations.  With
    ``user_cache``, a forward returning ``out, cache`` gets ``*_backward(dout, cache)``.
    """
    forward = read(func_or_source, name=name, filename=filename)
    try:
        return _defaults_fixed(forward, wrt, shapes, args, user_cache)
    except BackgenError as error:
        error.msg += step_bodies.told(forward, error.msg)  # (names of a step written inline, made a layer)
        raise


def _constant_results(op, staged_helper, helper_wrt):
    """``(("constant", "1,2"),)``: the places of the results of the helper ``op`` calls (a tuple of them)
    that no parameter it differentiates reaches through an operation with a gradient (``return col,
    out_h, out_w`` of an im2col: the sizes are numbers of shapes), which carry no gradient in the caller
    (a reshape to them takes them as constants); ``()`` where there are none.  A helper of one result
    gets ``"0"`` where that result is such (a bin's index counted by comparisons, ``np.sum(x[..., None]
    >= edges, axis=-1) - 1``: an index in the caller, not a differentiated value)."""
    outputs = staged_helper.outputs
    if op.param("outputs", "1") != str(len(outputs)) or not outputs:
        return ()
    def held(inert, active):  # (np.full(n, s) of a differentiated s, an opaque value: reached, not constant)
        return inert.param("opaque") == "True" or fills_with(staged_helper, inert, active)
    varied = varied_values(staged_helper, helper_wrt, (), held)
    places = [str(k) for k, o in enumerate(outputs) if not (isinstance(o, ir.Var) and o.name in varied)]
    return (("constant", ",".join(places)),) if places else ()


def _defaults_fixed(forward, wrt, shapes, args, user_cache):
    """``_build``, then again with the defaults read as static arguments fixed where that failed."""
    try:
        return _build(forward, wrt, shapes, args, user_cache)
    except BackgenError as error:
        fixed = () if args is not None else _static_defaults(forward, wrt, shapes,
                                                             getattr(error, "varying_shape", None) == "loop")
        if not fixed:
            raise
    try:  # (code for every value of axis in np.sum(x, axis=axis) is not written: for its default, checked)
        return _build(dataclasses.replace(forward, fixed_defaults=fixed), wrt, shapes, args, user_cache)
    except BackgenError as error:
        error.msg += (f" (the code written for {', '.join(f'{n}={v}' for n, v in fixed)}, the default"
                      f"{'s' if len(fixed) > 1 else ''} it reads as a static argument)")
        raise


def _static_defaults(forward, wrt, shapes, loops=False):
    """``(name, default)`` for the parameters of an integer default that the staged forward reads as a
    static argument of an operation (``np.sum(x, axis=axis)`` in ``def f(x, axis=-1)``), or passes to a
    helper, which may: the code for every value of it is not written, the code for its default is; with
    ``loops`` (a loop changed a value's shape in every iteration), also those a ``for`` over a ``range``
    reads in its bounds (``for i in range(N)``, a binomial tree's steps): the loop is written out for
    the default."""
    defaults = {arg.arg: node for arg, node in source.defaults_of(forward.func.args)}
    integers = {name: default_value(node) for name, node in defaults.items()
                if array_default(node, forward.env) is None}  # (an array default: no setting)
    tuples = {name: value for name, value in integers.items() if loops and type(value) is tuple and value and
              all(type(i) is int for i in value)}  # (layer_sizes=(1, 4, 1): a loop over its pairs written out
    # for the default, which the code checks it is given)
    integers = {name: value for name, value in integers.items() if type(value) in (int, str)}  # (and a string
    # setting read as one, np.pad(x, 1, mode=mode): the code for its default)
    if not integers and not tuples:
        return ()
    try:
        staged = stage(forward, wrt, declared_shapes(forward, shapes))
    except BackgenError:
        return ()
    read_so = {text for op in ops_in(staged.body) for _, text in op.params} | {  # (or passed to a helper,
        a.name for op in ops_in(staged.body) if op.rule == "call" for a in op.args if a.__class__ is ir.Var}  # softmax(x, axis))
    if loops:
        read_so |= {n.id for loop in walk(forward.func) if isinstance(loop, ast.For) and isinstance(loop.iter, ast.Call)
                    and isinstance(loop.iter.func, ast.Name) and loop.iter.func.id == "range"
                    for n in walk(loop.iter) if isinstance(n, ast.Name)}
    return tuple((name, value) for name, value in integers.items() if name in read_so) + tuple(tuples.items())


def _build(forward, wrt, shapes, args, user_cache, arrays=False):
    """``backward_program`` of a read forward: a sandwich of layers, a forward of any rank, or any other.
    ``arrays``: the inputs are arrays, though the code calls no NumPy (a layer ``x * gamma + beta``
    that a sandwich of NumPy layers calls)."""
    if args is None and isinstance(shapes, (dict, type(None))):  # a dict of arrays read at string keys, their
        # shapes not given: its arrays parameters of their own, of every shape, the backward taking the dict
        flat, flat_wrt, flat_shapes, _, packing = structured.flatten(forward, wrt, shapes, None, unshaped=True)
        if packing:  # and giving its gradient so
            try:
                result = _build(flat, flat_wrt, flat_shapes, None, user_cache, arrays)
            except BackgenError as error:
                error.msg += structured.unshaped_note(packing)
                raise
            return dataclasses.replace(result, main=structured.pack(result.main, packing))
    if user_cache and args is None:
        numpy = functools.cache(lambda: arrays or uses_numpy(forward, nodes=forward.nodes))  # a sandwich's layers
        composed = guarded(forward, lambda: sandwich(  # pass one another arrays (asked of a sandwich only: a walk)
            forward, lambda helper, shapes=None: _build(helper, None, shapes, None, True, numpy()), shapes))
        if composed is not None:
            return composed
    specs = declared_shapes(forward, shapes)
    anyrank = [n for n, s in specs.items() if s.dims == ANY_RANK]
    if args is not None or not anyrank:
        try:
            result = guarded(forward, lambda: program(forward, wrt, shapes, args, user_cache=user_cache,
                                                      arrays=arrays))
            if args is None and not arrays and not any(s.dims for s in specs.values()):
                if _layer_of_arrays(forward, result):
                    return _build(forward, wrt, shapes, args, user_cache, arrays=True)
                result = _arrays_too(forward, wrt, shapes, specs, user_cache, result)
            if args is None:
                _same_at_rank_three(forward, wrt, shapes, specs, result, user_cache, arrays)
                _same_at_other_settings(forward, wrt, shapes, specs, result, user_cache, arrays)
            return result
        except ShapesNeeded as needed:
            if args is not None:
                raise
            try:
                return _shape_free(forward, wrt, shapes, needed, user_cache)
            except BackgenError as refusal:
                said = {name: spec for name, spec in passed_shapes(forward, needed.unknown).items()
                        if name not in (shapes or {})}
                if not said:
                    raise
                try:  # the shapes the docstrings of the functions it passes them to give (of its own: none)
                    return _build(forward, wrt, {**said, **(shapes or {})}, None, user_cache, arrays)
                except BackgenError:
                    raise refusal from None
    # "of any shape": the backward written for two ranks must be the same code
    def ranked(dims):
        return dict(specs, **{n: dataclasses.replace(specs[n], dims=dims) for n in anyrank})
    try:
        result, other = (guarded(forward, lambda: program(forward, wrt, ranked(dims), None, user_cache=user_cache))
                         for dims in (("A1", "A2"), ("A1", "A2", "A3")))
    except ShapesNeeded as needed:  # others of no shape given: code for every shape of all of them
        unknown = tuple(a.arg for a in forward.func.args.args if a.arg in anyrank or a.arg in needed.unknown)
        return _shape_free(forward, wrt, shapes, shapes_needed(forward, forward.func.name, unknown), user_cache)
    _written_alike(forward, result, other, f"the docstring says {', '.join(anyrank)} may have any shape")
    return result


def _nested_param_write(helper, staged, numpy, seen):
    """The error of the first write into a parameter that a function ``helper`` calls (at any depth) makes
    (``step(p + p, p)`` writing into ``q``, which is ``helper``'s ``p``), or None; ``staged`` is ``helper``
    staged, ``seen`` the functions on the way (a call of one of them is recursion, refused elsewhere)."""
    for op in ops_in(staged.body):
        name = op.param("function") if op.rule == "call" else None
        if name is None or name in seen or name not in helper.helpers:
            continue
        try:
            callee = read_helper(helper, name)
            inner = stage(callee, None, declared_shapes(callee), numpy)
        except BackgenError:
            continue  # (refused where it is built, with its own reason)
        if inner.param_writes:
            return inner.param_writes[0][1]
        found = _nested_param_write(callee, inner, numpy, seen | {name})
        if found is not None:
            return found
    return None


def _written_alike(forward, result, other, said):
    """``other``, the backward written for other ranks of parameters said to have any, must be ``result``'s
    code; else a BackgenError: ``said``, but the backward depends on the rank."""
    if emit.function_source(result.main) != emit.function_source(other.main):
        raise forward.error(f"{said}, but the backward depends on the rank: declare the shape (an annotation, "
                            "shapes= or --shape)")


def _same_at_other_settings(forward, wrt, shapes, specs, result, user_cache, arrays):
    """A layer reading sizes from its settings (``pool_param['stride']``, ``conv_param['pad']``) is
    written on samples of one value of each, at which sizes may agree that others tell apart (a
    stride of 1 keeps x's shape): the backward written again at other values must be the same code
    where the forward runs there, or it is refused."""
    if not user_cache or result.main.cache is None or not any(s.kind == "config" for s in specs.values()):
        return
    keys = sorted(key for key in SampleSettings.OTHER if any(f"'{key}'" in line or f'"{key}"' in line
                                                              for line in forward.lines))
    if not keys:
        return
    said = f"the backward backgen writes depends on the values of the settings ({', '.join(keys)})"
    try:
        with SampleSettings.at_other_values():
            other = guarded(forward, lambda: program(forward, wrt, shapes, None, user_cache=user_cache,
                                                     arrays=arrays))
    except BackgenError as error:
        if getattr(error, "sample_run", False):
            return  # (the forward runs not at those values)
        raise forward.error(f"{said}: at others, {error.msg}") from None
    if emit.module_source([result]) != emit.module_source([other]):
        raise forward.error(f"{said}: sizes it takes from what the cache holds agree at some values only; add "
                            "the values whose shapes it reads to the cache (x for the shape of dx)")


def _same_at_rank_three(forward, wrt, shapes, specs, result, user_cache, arrays):
    """A parameter the docstring says is ``(N, d_1, ..., d_k)`` is written for as ``(N, D)``: the
    backward must come out the same for it of rank 3 (``(N, 3, 5)``, a dimension it shares with
    another parameter, D, then 15), or it is refused."""
    reshaped = set()
    docstring_shapes(forward.func, reshaped)
    declared = set(shapes or ()) | {a.arg for a in forward.func.args.args if a.annotation is not None}
    reshaped = sorted(name for name in reshaped - declared if name in specs and len(specs[name].dims) == 2)
    if not reshaped:
        return
    flat = {specs[name].dims[1] for name in reshaped}

    def sized(spec):
        return dataclasses.replace(spec, dims=tuple(15 if d in flat else d for d in spec.dims)) \
            if isinstance(spec.dims, tuple) and spec.dims != ANY_RANK else spec
    ranked = {n: sized(spec) for n, spec in specs.items()}
    ranked.update({n: dataclasses.replace(specs[n], dims=(specs[n].dims[0], 3, 5)) for n in reshaped})
    said = f"the docstring says {', '.join(reshaped)} may be of any rank from two up ((N, d_1, ..., d_k))"
    try:
        other = guarded(forward, lambda: program(forward, wrt, ranked, None, user_cache=user_cache, arrays=arrays))
    except BackgenError as error:
        raise forward.error(f"{said}, but backgen cannot write the backward for rank 3 ({error.msg}): declare "
                            "the shape (an annotation, shapes= or --shape)") from None
    _written_alike(forward, result, other, said)


def _layer_of_arrays(forward, result):
    """Whether code using no NumPy is a layer (``return out, cache``) of a module importing NumPy: its
    backward ``(dout, cache)`` knows the parameters only as the cache's entries, which no check at its
    start could tell numbers from arrays; a layer ``out = alpha * x`` is one of arrays (CS231n's form),
    whose gradients, written for numbers, would be of the output's shape where a parameter broadcasts
    (``dalpha = x * dout`` for a vector ``alpha``): it is written for arrays of every shape instead."""
    main = result.main
    return main.cache is not None and main.mode == "scalar" and source.imports_numpy(forward.lines) \
        and not uses_numpy(forward, nodes=forward.nodes)


def _arrays_too(forward, wrt, shapes, specs, user_cache, result):
    """``result``, the code for numbers of a function calling no NumPy, checked to be given numbers where
    its module imports NumPy (``_numbers_checked``), or instead, where that check would refuse arrays (and
    the function reads no list of numbers), the code for every shape (``_shape_free``) where backgen writes
    one holding for numbers and arrays alike, as NumPy runs the function on either: its upstream gradient
    defaults to 1.0 where the parameters are numbers (``numbers_one``) and the output then is one (the code
    for numbers gives it that default)."""
    checked = _numbers_checked(forward, result)
    if not checked.main.numbers or checked.main.sequences or result.main.numbers or result.main.sequences:
        return checked  # (lists of numbers it iterates: plain Python, as the person writing it means it)
    unknown = tuple(a.arg for a in forward.func.args.args if a.arg not in specs)
    if not unknown or any(n in specs for n in checked.main.numbers):  # (declared numbers: the code for them)
        return checked
    if _calls_math(forward):  # (math.exp(-dot): a number, which no array of more than one element converts to)
        return checked
    try:
        arrays = _shape_free(forward, wrt, shapes, shapes_needed(forward, forward.func.name, unknown), user_cache)
    except BackgenError:
        return checked
    if arrays.main.numbers or arrays.main.sequences or arrays.main.params != checked.main.params or \
            arrays.main.wrt != checked.main.wrt:
        return checked
    if not checked.main.scalar_output:  # (a list or tuple of numbers: its gradient has no default)
        return arrays
    ones = tuple(p for p in arrays.main.params if p in checked.main.numbers or p in checked.main.wrt)
    return dataclasses.replace(arrays, main=dataclasses.replace(arrays.main, numbers_one=ones))


def _calls_math(forward, seen=()):
    """Whether the function, or a function of the module it calls, gives a value it computes to one of
    math's functions (``math.exp(-dot)``, ``exp(z)`` of ``from math import exp``), which take numbers only:
    NumPy runs it on numbers alone."""
    env = forward.env
    for node in walk(forward.func):
        if not isinstance(node, ast.Call) or all(isinstance(a, ast.Constant) for a in node.args):
            continue
        callee = node.func
        if _math_function(callee, env):
            return True
        if isinstance(callee, ast.Name) and callee.id in forward.helpers and callee.id not in seen:
            try:
                helper = read_helper(forward, callee.id)
            except (BackgenError, NoSourceError):
                continue
            if _calls_math(helper, seen + (callee.id,)):
                return True
    return False


def _math_function(callee, env):
    """Whether the called expression ``callee`` names one of math's functions (``math.exp``, ``exp`` of
    ``from math import exp``), as the module's imports ``env`` say."""
    return isinstance(callee, ast.Attribute) and isinstance(callee.value, ast.Name) and \
        env.get(callee.value.id) == "math" or \
        isinstance(callee, ast.Name) and str(env.get(callee.id) or "").startswith("math.")


def _numbers_checked(forward, result):
    """Code using no NumPy is written for numbers; in a module importing NumPy its parameters may be
    given arrays, for which that code is wrong (a gradient of the output's shape, not the parameter's
    where it broadcasts; an upstream gradient added to in place): the backward checks that the
    parameters it uses as numbers only (differentiated or not), and the differentiated ones the output
    does not depend on (whose gradient it writes as the number 0.0), or puts into a list it writes
    out (``hist = [y0, y0]``), are numbers, and that those it iterates or indexes by position (``for b
    in betas``, ``xs[t]``) are sequences of numbers, as deep as it reads them (a matrix's rows, arrays,
    make the numbers it computes arrays)."""
    main = result.main
    if main.numbers or main.cache is not None or main.mode != "scalar":
        return result
    if not source.imports_numpy(forward.lines) or uses_numpy(forward, nodes=forward.nodes):
        return result
    parents = source.parents(forward.func)
    zero = ir.zero_gradients(main)
    reads = {n: _number_only(forward, n, parents) for n in main.params}
    aliased = _upstream_added_to(main)  # dx = dout1; dx += ...: numbers only (arrays: into the caller's dout1)
    numbers = tuple(n for n in main.params if n in zero or reads[n] or reads[n] is None and (
        aliased or _listed(forward.func, n, parents)))  # (hist = [y0, y0]: an item of a list of numbers)
    held = {n for n, _ in main.sequences}
    items = tuple((n, 1) for n in main.params if not reads[n] and n not in numbers and n not in held
                  and _items_written(forward.func, n))
    read = [n for n in main.params if reads[n] is False and n not in numbers and n not in held and n not in dict(items)
            and _read_as_sequence(forward.func, n, parents)]
    iterated = indexed_in(forward, read, whole=False)
    items += tuple((n, rank if isinstance(rank, int) else len(rank)) for n, rank in iterated.items())
    direct = indexed_ranks(forward.func, read)
    deeper = tuple(n for n, rank in iterated.items() if _rank(rank) > _rank(direct.get(n, 0)))  # (rows a helper
    # unpacks, for u in U: mix(u): their gradients the helper's lists, which an array's rows add to and a
    # list's join)
    # (a sequence of numbers the code iterates or indexes, for b in betas: a matrix's rows are arrays,
    # which the code for numbers gives a gradient of their shape where a number's is summed)
    if not numbers and not items:
        return result
    return dataclasses.replace(result, main=dataclasses.replace(main, numbers=numbers, sequences=main.sequences + items,
                                                                arrays=main.arrays + tuple(
                                                                    n for n in deeper if n not in main.arrays)))


def _rank(rank):
    return rank if isinstance(rank, int) else len(rank)


def _listed(func, name, parents):
    """Whether the function puts parameter ``name`` into a list it writes out (``hist = [y0, y0]``): in
    code written for numbers, an item of a list of numbers, which an array would make a list of arrays."""
    return any(isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)
               and isinstance(parents.get(node), ast.List) for node in walk(func))


def _read_as_sequence(func, name, parents):
    """Whether the function reads parameter ``name`` as a sequence of numbers: iterated, or indexed by
    numbers and names (not by a key, ``params["beta"]``, as a dict is), and not only its length taken."""
    read = False
    for node in walk(func):
        if not (isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)):
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.Subscript) and parent.value is node:
            keys = parent.slice.elts if isinstance(parent.slice, ast.Tuple) else [parent.slice]
            if any(isinstance(k, ast.JoinedStr) or isinstance(k, ast.Constant) and isinstance(k.value, str)
                   for k in keys):
                return False
            read = True
        elif isinstance(parent, (ast.For, ast.comprehension)) and parent.iter is node:
            read = True
    return read


def _items_written(func, name):
    """Whether the function gives an item of parameter ``name`` (or of a value made from it) a name
    and then ``op=`` that name (``for row in A: row += w``, ``r = A[i]; r *= 2.0``): at numbers (a
    list or vector of them) the op= gives the name a new value, at an array of rank 2 or more it writes
    into the parameter's rows, which code written for numbers does not follow."""
    made = {name}
    changed = True
    while changed:  # (A = X, B = A * 1.0: values made from the parameter)
        changed = False
        for node in walk(func):
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and node.value is not None and any(
                    isinstance(n, ast.Name) and n.id in made for n in walk(node.value)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for n in (n for t in targets for n in walk(t) if isinstance(n, ast.Name)):
                    if n.id not in made:
                        made.add(n.id)
                        changed = True
            elif isinstance(node, (ast.For, ast.comprehension)) and any(
                    isinstance(n, ast.Name) and n.id in made for n in walk(node.iter)):
                for n in (n for n in walk(node.target) if isinstance(n, ast.Name) and n.id not in made):
                    made.add(n.id)  # (for item in A: L.append(item), as list(A) is read)
                    changed = True
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    isinstance(node.func.value, ast.Name) and node.func.attr in ("append", "extend", "insert") and \
                    node.func.value.id not in made and any(
                        isinstance(n, ast.Name) and n.id in made for a in node.args for n in walk(a)):
                made.add(node.func.value.id)
                changed = True
    items = set()
    for node in walk(func):
        if isinstance(node, (ast.For, ast.comprehension)) and any(
                isinstance(n, ast.Name) and n.id in made for n in walk(node.iter)):
            items.update(n.id for n in walk(node.target) if isinstance(n, ast.Name))
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Subscript) and any(
                isinstance(n, ast.Name) and n.id in made for n in walk(node.value.value)):
            items.update(n.id for t in node.targets for n in walk(t) if isinstance(n, ast.Name))
    return any(isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and node.target.id in items
               for node in walk(func))


def _upstream_added_to(main):
    """Whether the backward names an upstream gradient anew (``dx = dout1``, ``dx = dout1 if c else
    0.0``, or ``dx = h_backward(x, dout1)``, which may return it) and adds to that name in place later
    (``dx += dout2``): right for numbers, a write into the caller's ``dout1`` for arrays."""
    aliases, lines = set(main.upstreams), []

    def may_be(text):
        try:
            return holds_upstream(ast.parse(text, mode="eval").body)
        except SyntaxError:
            return True

    def holds_upstream(node):
        if isinstance(node, ast.IfExp):
            return holds_upstream(node.body) or holds_upstream(node.orelse)
        if isinstance(node, ast.Call):
            return any(isinstance(a, ast.Name) and a.id in aliases for a in node.args)
        return isinstance(node, ast.Name) and node.id in aliases

    def walk(items):
        for item in items:
            if isinstance(item, (ir.Group, ir.Block)):
                walk(item.lines if isinstance(item, ir.Group) else item.body)
            else:
                lines.append(item)
    walk(main.groups)
    for line in lines:
        if isinstance(line, ir.CallLine):
            aliases.difference_update(line.targets)
            if may_be(line.source):
                aliases.update(line.targets)
            continue
        if not isinstance(line, ir.AdjointLine):
            continue
        if line.accumulate and line.target in aliases:
            return True
        if not line.accumulate:
            aliases.discard(line.target)
            if may_be(line.source):
                aliases.add(line.target)
    return False


def _number_only(forward, name, parents, seen=None):
    """Whether the function reads parameter ``name`` in arithmetic (an operand, math's functions,
    ``abs``, ``max(a, b)``) and nowhere a sequence may stand (indexed, iterated, joined, given to
    ``sum``, ``zip`` or a function of yours, named anew unless the new name is read so too or
    neither way: ``a = x`` then ``a * 2.0``, or only returned); ``parents``: each node's parent.
    None where it reads it neither way (only returned, named anew so)."""
    func, env = forward.func, forward.env
    seen = {name} if seen is None else seen
    arithmetic = False
    for node in walk(func):
        if not (isinstance(node, ast.Name) and node.id == name):
            continue
        parent = parents.get(node)
        if isinstance(parent, (ast.Subscript, ast.Attribute, ast.Starred, ast.comprehension, ast.For)):
            return False
        helper = False
        if isinstance(parent, ast.Call) and node is not parent.func:
            helper = _helper_reads_number(forward, parent, node, seen)
        elif isinstance(parent, ast.keyword) and isinstance(parents.get(parent), ast.Call):  # h(b=x)
            helper = _helper_reads_number(forward, parents[parent], parent, seen)
        if helper is not False:  # given to a function of yours that reads it as a number, or neither way
            arithmetic = arithmetic or bool(helper)
            continue
        if isinstance(parent, ast.Call) and node is not parent.func:
            callee = parent.func
            of_math = _math_function(callee, env)
            builtin = isinstance(callee, ast.Name) and env.get(callee.id) in ("abs", "pow", "float") or (
                isinstance(callee, ast.Name) and env.get(callee.id) in ("max", "min") and len(parent.args) > 1)
            if isinstance(callee, ast.Attribute) and callee.attr in ("append", "insert") and node is parent.args[-1]:
                continue  # (an element put in a list: neither way)
            if not (of_math or builtin):
                return False
            arithmetic = True
        unpacked = parents.get(parent)  # a, b = x, y: x named anew as a
        if isinstance(parent, ast.Tuple) and isinstance(unpacked, ast.Assign) and unpacked.value is parent and \
                all(isinstance(t, ast.Tuple) and len(t.elts) == len(parent.elts) for t in unpacked.targets):
            node, parent = parent, ast.Assign(targets=[t.elts[parent.elts.index(node)] for t in unpacked.targets],
                                              value=parent)
        if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is node:
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            if not all(isinstance(t, ast.Name) for t in targets):
                return False
            for target in targets:  # named anew: the new name is read as a number too, or not at all
                if target.id in seen:
                    continue
                seen.add(target.id)
                read = _number_only(forward, target.id, parents, seen)
                if read is False:
                    return False
                arithmetic = arithmetic or bool(read)
            continue
        if isinstance(parent, ast.BinOp):
            if any(isinstance(side, (ast.List, ast.ListComp)) for side in (parent.left, parent.right)):
                return False  # xs + [v]: a list joined
            arithmetic = True
        if isinstance(parent, (ast.UnaryOp, ast.AugAssign)):
            arithmetic = True
        if isinstance(parent, (ast.Tuple, ast.List, ast.Set)) and isinstance(
                parents.get(parent), (ast.For, ast.comprehension, ast.Starred, ast.Call)):
            return False  # (for v in (xs, ys): a sequence may be iterated)
    return True if arithmetic else None


def _helper_reads_number(forward, call, node, seen):
    """How the function of the user's that ``call`` calls reads the argument ``node`` (given by
    position, or an ``ast.keyword``): as ``_number_only`` tells of its parameter, False where that is
    not known."""
    callee = call.func
    if not (isinstance(callee, ast.Name) and callee.id in forward.helpers) or \
            not (node in call.args or isinstance(node, ast.keyword) and node.arg is not None) or \
            any(isinstance(a, ast.Starred) for a in call.args):
        return False
    position = call.args.index(node) if node in call.args else node.arg
    key = ("helper", callee.id, position)
    if key in seen:
        return None  # (a helper calling itself: read as the other calls read it)
    seen.add(key)
    try:
        helper = read_helper(forward, callee.id)
    except Exception:  # (its source unreadable, or refused: not known)
        return False
    params = helper.func.args
    names = [a.arg for a in params.args] + [a.arg for a in params.kwonlyargs]
    if params.vararg is not None or params.posonlyargs or (position not in names if isinstance(position, str)
                                                           else position >= len(params.args)):
        return False
    name = position if isinstance(position, str) else params.args[position].arg
    parents = source.parents(helper.func)
    return _number_only(helper, name, parents, {k for k in seen if isinstance(k, tuple)} | {name})  # (its names)


class ShapesNeeded(BackgenError):
    """NumPy code whose parameters' shapes are neither given nor seen (``unknown``: their names)."""

    def __init__(self, message, filename, lineno, offset, text, unknown=()):
        super().__init__(message, filename, lineno, offset, text)
        self.unknown = tuple(unknown)


def shapes_needed(forward, name, unknown, reason="", where=None):
    """The error naming every way to give the shapes of ``unknown`` (for a parameter read by string keys,
    autograd's ``params["change"]``, the form of its entries' shapes), at the line of ``where`` (the
    error giving the ``reason``, where it has one) or else at the function's ``def``."""
    first = unknown[0]
    message = (f"{reason}: " if reason else "") + (
        f"the shapes of {', '.join(unknown)} are needed to write NumPy gradients for {name}(): annotate the "
        f"parameters (def {name}({first}: 'N, D', ...); \"int N\" for integer labels, float for a number), "
        "give them in the "
        f"docstring (- {first}: ... of shape (N, D)), pass shapes= (on the command line: --shape {first}=N,D), "
        "or call the decorated function's .backward() with arrays")
    keyed = [(param, keys) for param in unknown for keys in [_keys_read(forward, param)] if keys]
    if keyed:
        param, keys = keyed[0]
        entries = ", ".join(f"{key!r}: 'N, D'" for key in keys[:3]) + (", ..." if len(keys) > 3 else "")
        message += (f"; {param} is read by its keys ({', '.join(map(repr, keys))}) as a dict of arrays: give the "
                    f"shapes of its entries (shapes={{{param!r}: {{{entries}}}}})")
    error = where if getattr(where, "lineno", None) is not None else forward.error(message)
    return ShapesNeeded(message, error.filename, error.lineno, error.offset, error.text, unknown)


def _keys_read(forward, param, depth=0):
    """The string keys ``param`` of ``forward`` is read by (``params["change"]``), in the order first read,
    there or in the helpers it is passed to (as deep as three calls)."""
    keys = []
    for node in walk(forward.func):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == param and \
                isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str) and \
                node.slice.value not in keys:
            keys.append(node.slice.value)
        elif depth < 3 and isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id in forward.helpers:
            places = [k for k, arg in enumerate(node.args) if isinstance(arg, ast.Name) and arg.id == param]
            named = [k.arg for k in node.keywords if isinstance(k.value, ast.Name) and k.value.id == param]
            if not places and not named:
                continue
            try:
                helper = read_helper(forward, node.func.id)
            except (BackgenError, NoSourceError, TypeError, OSError):
                continue
            params = [a.arg for a in helper.func.args.args]
            for inner in [params[k] for k in places if k < len(params)] + named:
                keys += [key for key in _keys_read(helper, inner, depth + 1) if key not in keys]
    return keys


class _Resplit(Exception):
    """``_shape_free`` again, of the function with the code after a branch written into each path."""

    def __init__(self, func):
        super().__init__()
        self.func = func


def _shape_free(forward, wrt, shapes, needed, user_cache):
    """The shape-generic backward of NumPy code whose shapes are not given (``shape_free.write``).

    Where a value has a shape of its own on each path of an ``if`` at some sample (the paths agree at
    the shapes the code is for, or at none), the code after that branch is written into each path
    (``tails.split``: the same program at every shape) and every sample is written again from that
    program, so that the code is one at every rank; where that program is refused (a path NumPy raises
    on at some sample, a cache lacking what the backward of a path reads), the refusal is the one of
    the function as the user wrote it."""
    current, splits = forward, 0
    while True:
        try:
            return _default_numbers_checked(forward, shapes, _shape_free_of(
                current, wrt, shapes, needed, user_cache, splits < MAX_SPLITS, current is not forward))
        except _Resplit as again:
            current, splits = dataclasses.replace(current, func=again.func), splits + 1
        except BackgenError:
            if current is forward:
                raise
            break
    return _shape_free_of(forward, wrt, shapes, needed, user_cache, False)


def _default_numbers_checked(forward, shapes, result):
    """``result`` (a shape-generic program) whose backward checks that the parameters it takes for numbers
    because their defaults are (``N=1.0``), no shape given for them, are given numbers: the code for every
    shape holds for arrays of any shape but theirs (a vector ``N`` makes ``S = 0.99 * N`` an array, which
    ``S += dS`` then writes into, where a number is bound anew)."""
    main = result.main
    if not main.shape_free:
        return result
    args = forward.func.args
    given = set(given_shapes(forward, shapes)) | {a.arg for a in args.args if a.annotation is not None} | \
        set(dict(docstring_shapes(forward.func)))
    floats = []
    for arg, node in source.defaults_of(args):
        try:
            value = default_value(node)
        except ValueError:
            continue
        if type(value) is float and arg.arg not in given and arg.arg in main.params and arg.arg not in main.numbers:
            floats.append(arg.arg)
    if not floats:
        return result
    return dataclasses.replace(result, main=dataclasses.replace(main, numbers=main.numbers + tuple(floats)))


_EVERY_IF_UNMERGED = contextvars.ContextVar("every_if_unmerged", default=False)  # (``program``'s ``unmerged``
# for the forward and every helper: shape-generic code written alike at every sample rank)


def _shape_free_of(forward, wrt, shapes, needed, user_cache, splitting, split=False):
    """``_shape_free`` of ``forward`` as it is; with ``splitting``, ``_Resplit`` where a sample finds a
    value of a shape of its own on each path of a branch of the function whose tail can be split.
    ``split``: ``forward`` is so split, each name its paths set merged only where read after them at
    every sample (at some, the value of two shapes the split was for would ask for it, at others not:
    the code would differ by its names)."""
    def attempt(probe, unknown):
        try:
            return guarded(forward, lambda: program(forward, wrt, probe, None, user_cache=user_cache,
                                                    shape_free=unknown, unmerged=split))
        except BackgenError as error:
            place = getattr(error, "split_place", None)  # (an if whose paths share memory otherwise)
            if place is None and getattr(error, "varying_shape", None) == "path" and \
                    not getattr(error, "iteration", False) and error.lineno is not None:
                place = (error.lineno, (error.offset or 1) - 1)  # (a value of a shape on each path)
            if splitting and place is not None:
                func = tails.split(forward.func, *place, _module_names(forward))
                if func is not None:
                    raise _Resplit(func) from None
            raise

    def asked(reason, where=None):
        return shapes_needed(forward, forward.func.name, needed.unknown, reason, where)
    try:
        try:
            return write_shape_free(forward, needed.unknown, declared_shapes(forward, shapes), attempt, asked)
        except BackgenError as refusal:
            if not getattr(refusal, "ranks_differ", False) or _EVERY_IF_UNMERGED.get():
                raise
            token = _EVERY_IF_UNMERGED.set(True)  # (the samples' codes differing, perhaps by their names alone:
            try:  # a value each path of an if sets, of two shapes at some ranks, is named apart at those only)
                return write_shape_free(forward, needed.unknown, declared_shapes(forward, shapes), attempt, asked)
            except BackgenError:
                raise refusal from None
            finally:
                _EVERY_IF_UNMERGED.reset(token)
    except BackgenError as refusal:
        if source.imports_numpy(forward.lines) or shapes or \
                any(re.search(r"\b(np|numpy)\s*\.", line) for line in forward.lines):
            raise
        # a module without NumPy, code calling none: its parameters are numbers (a tuple of them made the
        # code look like NumPy's: state = (a, b), k = rhs(state), k[0]), the code written for every number
        numbers = tuple(0.7 + 0.1 * k for k in range(len(forward.func.args.args)))
        try:
            return _numbers_checked(forward, guarded(forward, lambda: program(forward, wrt, None, numbers,
                                                                              user_cache=user_cache)))
        except BackgenError:
            pass
        # those it counts with (range(n), n=100) integers, declared so: the code for every value of each
        declared = declared_shapes(forward)
        kinds = uses_of(forward.func, [a.arg for a in forward.func.args.args])
        scalars = {a.arg: "int" if kinds.get(a.arg) == "count" else "float" for a in forward.func.args.args
                   if a.arg not in declared}
        try:
            return _numbers_checked(forward, guarded(forward, lambda: program(forward, wrt, scalars, None,
                                                                              user_cache=user_cache)))
        except BackgenError:
            raise refusal from None


def program(forward, wrt=None, shapes=None, args=None, chain=(), registry=None, user_cache=False,
            shape_free=(), arrays=False, passed_new=(), sized_params=(), also=(), layouts=None, unmerged=False,
            nan_outputs=False, infinite_params=()):
    """The ``ir.Program`` of a forward function: its backward and its helpers'.

    ``registry`` names helper backwards across the whole call tree: one per
    helper and pattern of argument ranks (``affine_backward``, ``affine_backward2``).
    ``shape_free`` names the parameters whose shapes were not given: the backward (and its
    helpers') is then written for every shape (``shapes`` holds sample shapes for them).
    ``passed_new``: a helper's parameters its caller passes a new array no name holds (``relu_(x @ W)``),
    which the helper may write into: nothing else sees that array.
    ``sized_params``: (parameter, origins) for a helper's parameters its caller passes a selection by a
    boolean mask (``step(b[b > 0], b)``): their length is the data's, which the helper's broadcasting
    must not assume (``reverse.check_sized``).
    ``infinite_params``: a helper's parameters its caller passes a value that may hold an infinity the
    caller writes (a soft-DTW table's border, np.inf, read into softmin(r0, r1, r2, gamma)): the helper's
    contributions are guarded as where it writes the infinity itself (``guarded.zero_guarded``).
    ``also``: a helper's other arguments at the same call (a loop's later iterations), for which its
    code, written for ``args``, must hold too.
    ``layouts``: {parameter: "c" where it is given a C-contiguous array, "list" where a list of numbers
    made an array}: the code is for those (the decorator keys its code on them); a reshape of a
    C-contiguous array is a view, of a list a new array.  Without arrays (``generate``), where a write
    through a reshape of an array of unknown order is refused, the parameters are taken to be
    C-contiguous ("assumed"), and the backward checks those the code relies on as it starts
    (``Backward.layout_checks``; a layer's, the entries of its cache holding them).
    ``unmerged``: a name an if sets on its paths merged only where read after it, from the first staging
    (else only where a value of two shapes is merged).
    ``nan_outputs``: a helper's caller leaves out its results' nan entries (``np.nansum(lin(X, W))``): its
    backward keeps the chain rule's ``0 * nan`` out there as the caller's does (``nan_data``).
    """
    registry = {} if registry is None else registry
    unmerged = unmerged or _EVERY_IF_UNMERGED.get()
    packing = ()
    if not chain:  # lists of tuples of arrays: a parameter per array
        forward = _none_tests_decided(forward, _nones(forward, args),  # (if bs is not None: in a loop over
                                      {name for name, value in forward.env.items() if value is np} | {"np"})  # them)
        forward, wrt, shapes, args, packing = structured.flatten(forward, wrt, shapes, args)
    assumed, refused = None, None  # (generated without arrays: the parameters taken to be C-contiguous where
    while True:                     # a reshape of one is otherwise refused, the backward checking it)
        try:
            found = _program(forward, wrt, shapes, args, chain, registry, user_cache, shape_free, arrays, passed_new,
                             packing, sized_params, also, layouts if assumed is None else assumed, unmerged,
                             nan_outputs, infinite_params)
            if refused is not None and (not found.main.layout_checks or found.main.cache is not None and (
                    found.main.cache.form not in ("tuple", "single", "dict") or any(
                        entry is None or found.main.cache.names[entry] is None
                        for *_, entry in found.main.layout_checks))):
                raise refused  # (a layer's backward, given a cache, checks the entries holding the parameters)
            return found
        except BackgenError as error:  # (names a helper's body written out brought: said whose they are)
            if refused is None and getattr(error, "layout_assumable", False) and layouts is None and \
                    args is None and not chain and not packing:
                assumed, refused = {a.arg: "assumed" for a in forward.func.args.args}, error
                for key in [key for key, value in registry.items() if value is None]:
                    del registry[key]  # (claimed by the calls being staged when it failed)
                continue
            error = refused or error
            names = [f"{new} is the {old}" for new, old in getattr(forward.func, "written_out", {}).items()
                     if f"'{new}'" in error.msg or f"({new})" in error.msg]
            if names:
                error.msg += f" ({'; '.join(names)}, its body written where it is called)"
            error.msg = objects.spoken(forward.func, error.msg)
            error.msg += view_targets.spelled_views(forward.func, error.msg)
            arrays = structured.spelled(packing, error.msg)
            if arrays:
                error.msg += f" ({'; '.join(arrays)})"
            if error is refused:
                raise error from None
            raise
        except _Inlined as done:  # a helper writing into an array its caller passed: written into the caller
            forward = dataclasses.replace(forward, func=done.forward.func, env=done.forward.env,
                                          helpers=done.forward.helpers, constants=done.forward.constants,
                                          literals=done.forward.literals)
            for key in [key for key, value in registry.items() if value is None]:
                del registry[key]  # (claimed by the calls being staged when it was found)


def _index_kinds(forward, args):
    """``("kind", "index", p)`` for each parameter ``p`` the call gives an array of integers, and ``("kind",
    "mask", p)`` for one it gives an array of booleans (``stage``): an index by it copies (``msg = x[src]``,
    then ``msg *= w[:, None]``, writes into msg alone)."""
    if args is None:
        return frozenset()
    found = set()
    for arg, value in zip(forward.func.args.args, args):
        if isinstance(value, np.ndarray) and value.ndim and value.dtype.kind in "iub":
            found.add(("kind", "mask" if value.dtype.kind == "b" else "index", arg.arg))
    return frozenset(found)


class _Inlined(Exception):
    """``program`` again, of the function with a helper's calls written out (``inline.inlined``)."""

    def __init__(self, forward):
        super().__init__()
        self.forward = forward


def _listed_items(staged, shape_free):
    """The values read out of lists that are themselves lists of arrays of several shapes (``parts[0]`` of
    ``parts, s = split(x)``, ``split`` returning ``[a[:, :1], a[:, 1:]], s``): their gradients are lists,
    made and added item by item.  In code for every shape, every such list may be one."""
    return frozenset(name for name, shape in staged.shapes.items()
                     if isinstance(shape, Items) and (shape_free or shape.ragged) and name not in staged.lists)


def _program(forward, wrt, shapes, args, chain, registry, user_cache, shape_free, arrays, passed_new, packing,
             sized_params=(), also=(), layouts=None, unmerged=False, nan_outputs=False, infinite_params=()):
    item_writes = _refuse_list_item_writes(forward, args, chain)
    specs = declared_shapes(forward, shapes)
    called = {} if args is None or chain or shape_free else dict(zip((a.arg for a in forward.func.args.args), args))
    integers = {p: v for p, v in called.items() if type(v) is int}  # (the decorator's call's: its code is for them)
    forward = _rank_tests_decided(forward, {} if shape_free else _ranks(forward, specs, args),  # (code for
                                  _nones(forward, args),  # every rank decides nothing by rank)
                                  integers,  # (its integers decide ifs; a flag's are kept, both paths read)
                                  {p: len(v) for p, v in called.items()  # (and the lengths of its lists, which it
                                   if type(v) in (list, tuple)})  # keys on: if len(xs) == 0: return ...)
    arrays = arrays or args is not None and any(isinstance(a, np.ndarray) for a in args)
    if chain and wrt is None and args is not None:
        wrt = _helper_wrt(forward, args)
    split, peels, splits = False, 0, 0
    # (a reshape of an array of unknown order taken as the view it is where the shapes make it one: in code
    # for the shapes given or passed, not a helper's, staged once for its callers, nor code for every shape)
    written = frozenset() if chain else frozenset(  # (parameters taken to be C-contiguous: in code for any shape)
        {("layout", kind, name) for name, kind in (layouts or {}).items() if kind == "assumed"}) if shape_free \
        else frozenset({("layout", "on")} | {("layout", kind, name) for name, kind in (layouts or {}).items()} |
                       _index_kinds(forward, args))
    before_peel, unrolls = {}, 0  # a loop's place -> the function before its first iteration was written out
    known = dict(integers)  # the integers it is called with (the decorator's code is for these values)
    known.update({} if chain else {p: v for p, v in forward.fixed_defaults if type(v) is int})  # (or the
    # defaults it is written for)
    int_lists = {p: len(v) for p, v in called.items()  # and its lists of them (layer_sizes), which it keys on
                 if type(v) in (list, tuple) and v and all(type(i) is int for i in v)}
    int_lists.update({} if chain else {p: len(v) for p, v in forward.fixed_defaults if type(v) is tuple})
    sized = {p: v.shape for p, v in called.items() if isinstance(v, np.ndarray)}  # (and its arrays' sizes, which
    # it keys on where the code depends on them: a loop of as many iterations as x has rows, written out)
    guess = None  # a refusal whose op= is staged again as a write on a guess that its name holds an array
    while True:
        try:
            result, calls, helpers, tested, sites, recorded = _staged(
                forward, wrt, specs, args, arrays, chain, shape_free, passed_new, unmerged, written, split,
                (also, tuple(param for param, origins in sized_params if origins is not None)), user_cache)
            break
        except BackgenError as error:
            if guess is not None and not getattr(error, "in_place_guess", False) and \
                    getattr(error, "written_in_place", None) in (None, *written) and \
                    not getattr(error, "varying_shape", None) and getattr(error, "layout_line", None) is None:
                raise guess from None  # (a refusal no other staging mends: where the guess failed, a number,
                # which op= rebinds, the refusal it was made for stands)
            if getattr(error, "in_place_guess", False):
                if error.written_in_place is None or error.written_in_place in written:
                    raise
                guess = error
            layout = getattr(error, "layout_line", None)
            if layout is not None and ("layout", layout) not in written:
                written |= {("layout", layout)}  # (its reshapes as before: the names they would change stale)
                continue
            varying = getattr(error, "varying_shape", None)
            place = (error.lineno, (error.offset or 1) - 1)
            rewrites = not shape_free  # (in a helper too: its backward runs its own forward pass, and the
            # program split is the same program; an output of a shape each path gives is refused there)
            iteration = getattr(error, "iteration", False)
            # a value that changes shape in a loop's first iterations only: those written out before it (in a
            # helper too: its backward runs its own forward pass, and the loop peeled is the same program)
            loop = loop_place(forward.func, *place, inside=iteration) if varying and not shape_free else None
            func = peeled(forward.func, *place, inside=iteration) if varying and not shape_free \
                and peels < MAX_PEELS else None
            if func is not None:
                if loop is not None:
                    before_peel.setdefault(loop, forward.func)
                forward, peels = dataclasses.replace(forward, func=func), peels + 1
                continue
            if varying == "path" and not unmerged:
                unmerged = True  # a name of two shapes where an if merges its paths: merged only where read
                continue
            if getattr(error, "varying_output", False) and not split:
                if chain:  # (its caller's code is written for one shape of what it returns)
                    raise _varying_result(forward, error) from None
                split = True  # an output of a shape each path gives (return a early, return b at the end)
                continue
            if varying == "path" and not iteration and rewrites:
                # a value of two shapes after an if: what follows written into each path; else one of
                # two shapes as a loop holding this place starts and ends: its first iteration written out
                func = tails.split(forward.func, *place, _module_names(forward)) if splits < MAX_SPLITS else None
                if func is not None:
                    forward, splits = dataclasses.replace(forward, func=func), splits + 1
                    continue
                loop = loop_place(forward.func, *place, inside=True)
                func = peeled(forward.func, *place, inside=True) if peels < MAX_PEELS else None
                if func is not None:
                    if loop is not None:
                        before_peel.setdefault(loop, forward.func)
                    forward, peels = dataclasses.replace(forward, func=func), peels + 1
                    continue
            split_at = getattr(error, "split_place", None)  # a write into a value sharing one array on a path
            if split_at is not None and rewrites and splits < MAX_SPLITS:  # of an if and another on the other:
                func = tails.split(forward.func, *split_at, _module_names(forward))  # what follows it written
                if func is not None:  # into each path, where the sharing is one
                    forward, splits = dataclasses.replace(forward, func=func), splits + 1
                    continue
            for helper in () if chain else getattr(error, "inline_helpers", ()):  # (for every shape too)
                func = inlined(forward, helper)  # a write into what a helper returned (a view of its argument):
                if func is not None:  # the helper written into the caller, where the write is followed
                    raise _Inlined(func)
            in_place = getattr(error, "written_in_place", None)
            if in_place is None or in_place in written or chain or shape_free and not getattr(
                    error, "certain_array", False):  # (code for every shape: h may be a number there,
                # which op= rebinds, unless a slice of an array; a helper: its forward, staged once for every
                # call, is the one its callers run)
                if getattr(error, "cache_entry", False) and in_place is not None and ("kept", in_place) not in written:
                    written |= {("kept", in_place)}  # (a cache entry the op= made stale: left unread, as it was)
                    continue
                # the last resort: a loop peeled that changes shape again (every other way tried), every
                # iteration written out, where their number is known
                places = {loop_place(forward.func, *place, inside=inside) for inside in (iteration, True)} \
                    if varying and not shape_free and unrolls < MAX_UNROLLS else ()
                peeled_before = [p for p in places if p in before_peel]
                func = next((unrolled(before_peel.pop(p), *p, known=known, lists=int_lists, shapes=sized)
                             for p in peeled_before), None)
                if func is not None:
                    forward, unrolls = dataclasses.replace(forward, func=func), unrolls + 1
                    continue
                if peeled_before and varying == "loop" and isinstance(error, BackgenError) and \
                        "written out whole" not in error.msg:  # (a shape changed in every iteration)
                    error.msg += (f"; a loop changing a value's shape in every iteration (v = v[1:] + v[:-1], a "
                                  f"binomial tree's backward induction) is written out whole only where it runs "
                                  f"at most {MAX_UNROLLED} iterations known as the code is written: a range of "
                                  f"integer literals or of an integer default, or of an integer or of the sizes of "
                                  f"the arrays the decorated function is called with (range(len(v) - 1), "
                                  f"x.shape[0]); for more, keep one array and write each step into "
                                  f"a part of it (v[:-1] = disc * (p * v[1:] + (1 - p) * v[:-1]), then v[0])")
                raise
            written |= {in_place}  # h = x; h += v writes into x's array too: staged as that write, h[...] = ...
    _refuse_items_of_other_shapes(result, item_writes)
    if sized_params or chain:
        result = dataclasses.replace(result, sized_params=sized_params, called=bool(chain))
    if infinite_params:
        result = dataclasses.replace(result, infinite_params=infinite_params)
    infinite = names_holding_infinity(result) if calls else frozenset()  # (passed on to the helpers called)
    selected = data_sized(result) if calls and result.mode == "numpy" else ({}, {}, frozenset(), {})
    backwards, forwards = [], {}
    patched, helper_lists = {}, {}
    iterates = set(structured.iterated(forward.func, helper=bool(chain)))
    reads = None  # how many reads each value has (worked out once, for a helper writing into a parameter)
    floats = {}  # helper -> its parameters every call of it here passes a float the code writes
    for op in calls:
        found = _float_literals(helpers[op.param("function")][0], op)
        floats[op.param("function")] = floats.get(op.param("function"), found) & found
    stale = False  # whether a helper called so far returns a selection the caller has not marked
    nan_kept = nan_left_out(dataclasses.replace(result, outputs_nan_left_out=nan_outputs)).kept if calls \
        else frozenset()  # (values whose nan entries the function leaves out: a helper's results among them)
    for op in calls:
        name = op.param("function")
        helper, staged_helper = helpers[name]
        calls_here = _distinct_calls(recorded[sites[id(op)]])
        call_args = calls_here[0] if calls_here else None
        if not shape_free and len({tuple(map(_rank_pattern, c)) for c in calls_here}) > 1:
            func = _peeled_at_call(forward.func, name, op.line)  # (m, c = step(m, c, row) in a loop, c a number
            if func is not None:  # at the first call, an array after it: that call written out before the loop)
                raise _Inlined(dataclasses.replace(forward, func=func))
        constants = _literal_arguments(helper, op)
        written = {write[2] for write in staged_helper.param_writes}  # (a helper writing into none: one key)
        if written and reads is None:
            reads = _read_counts(result)
        passed_new = tuple(param for param in _passed_new(result, op, reads) if param in written) if written else ()
        if stale:  # an earlier call's helper returns a selection (c, d = step(x[m]); step(c)): its length is
            # the data's here too, and so in the helper it is passed to
            selected = data_sized(dataclasses.replace(result, body=map_ops(result.body,
                                                                           lambda o: patched.get(id(o), o))))
            stale = False
        passed_sized = _passed_sized(op, selected)
        passed_infinite = tuple(sorted({p for a, p in zip(op.args, op.param("params").split(","))
                                        if a.__class__ is ir.Var and a.name in infinite}))
        key = (name, None if call_args is None or shape_free else tuple(map(_rank_pattern, call_args)),
               tuple(sorted(constants.items())), passed_new, passed_sized,
               None if shape_free else tuple(map(_distinct_calls.key, calls_here)), tuple(sorted(floats[name])),
               op.target in nan_kept, passed_infinite)  # (a size of 1 a slice
        # makes of one call's arguments, and not of another's: code of its own, or refused for one call)
        if key not in registry:
            count = sum(1 for k in registry if k[0] == name)
            backward_name = _free_name(f"{name}_backward", count + 1, forward.helpers)
            registry[key] = None  # claimed before recursing
            try:
                helper_wrt = _helper_wrt(helper, call_args, floats[name]) if floats[name] and call_args is not None \
                    else None  # (a float the code passes: no gradient of it read)
                sub = program(_with_constants(helper, constants), helper_wrt, None, call_args, chain + (result.name,),
                              registry, shape_free=tuple(a.arg for a in helper.func.args.args) if shape_free else (),
                              passed_new=passed_new, sized_params=passed_sized, also=tuple(calls_here[1:]),
                              nan_outputs=op.target in nan_kept, infinite_params=passed_infinite)
            except BackgenError as error:
                func = inlined(forward, name) if getattr(error, "parameter_write", None) == name \
                    or getattr(error, "nothing_differentiated", None) == name \
                    or getattr(error, "varying_helper", None) == name \
                    or getattr(error, "varying_shape", None) == "loop" and not shape_free \
                    else None  # (a helper given no value it differentiates: no backward of its own, written out
                # in its caller, itself a helper or not: get_im2col_indices(x.shape, ...) in im2col_indices)
                if func is None and getattr(error, "nothing_differentiated", None) == name:
                    raise _op_error(result, op, f"{name}() is given nothing it differentiates here (numbers "
                                                f"alone), and backgen writes such a call out where it stands only "
                                                f"as a statement's value: give its value a name of its own first "
                                                f"({name}_value = {name}(...))") from None
                if func is None:
                    raise
                raise _Inlined(func) from None
            main = dataclasses.replace(sub.main, name=backward_name)
            registry[key] = (backward_name, main.wrt, sub, main)
            for other, entry in list(registry.items()):  # the same code for another key (a selection passed
                if other[0] == name and other != key and entry is not None and \
                        dataclasses.replace(entry[3], name=backward_name) == main:  # where an array was): one
                    registry[key] = entry
                    break
        backward_name, helper_wrt, sub, main = registry[key]
        helper_lists[backward_name] = main.item_lists
        iterates |= {a.name for a, p in zip(op.args, op.param("params").split(","))  # (passed on to a helper
                     if a.__class__ is ir.Var and p in main.iterates}  # iterating or unpacking it: Ws itself)
        if main.wrt:  # (a helper differentiating nothing, def g(): ..., has no backward: none is called)
            backwards += list(sub.helper_backwards) + [main]
        forwards.update({f.name: f for f in sub.helper_forwards})
        if any(callee not in forwards for callee in _called(helper, staged_helper)):  # a helper it calls that
            forwards.update({f.name: f for f in _forwards_called(helper, staged_helper)  # its backward wrote
                             if f.name not in forwards})  # out (given integers alone): its forward calls it still
        forwards[name] = staged_helper
        # its results whose length the data decides (known of a helper in NumPy code: none there, none here)
        sized = (("sized", ",".join(f"{k}:{group}" for k, group in main.sized_outputs)),) \
            if main.sized_outputs or main.mode == "numpy" else ()
        # a result never negative (relu(t)): a root of it is 0 where it is 0 (guarded.root_guarded)
        signs = (("nonnegative", "1"),) if outputs_never_negative(staged_helper) else ()
        # a result that may hold an infinity it writes (np.fill_diagonal(r, np.inf)): guarded.zero_guarded
        signs += (("infinite", "1"),) if outputs_may_hold_infinity(staged_helper) else ()
        # the parameters whose nan entries it leaves out (np.nanmean(a, axis=0)): nan_data, in the caller too
        left_out = nan_left_out(staged_helper).kept & set(op.param("params").split(","))
        signs += (("nan_params", ",".join(sorted(left_out))),) if left_out else ()
        stale = stale or bool(main.sized_outputs)
        named = names_of(helper.func)  # (a parameter its code never
        unread = (("unread", ",".join(a.arg for a in helper.func.args.args if a.arg not in named)),)  # names: no
        patched[id(op)] = dataclasses.replace(op, params=op.params + (("backward", backward_name),  # gradient)
                                                                      ("wrt", ",".join(helper_wrt))) + sized + signs +
                                              unread + _constant_results(op, staged_helper, helper_wrt))
    if patched:
        result = dataclasses.replace(result, body=map_ops(result.body, lambda op: patched.get(id(op), op)))
    for name, (helper, staged_helper) in tested.items():  # called in tests only: no gradient flows
        forwards.update({f.name: f for f in _forwards_called(helper, staged_helper)})
    unique = list({b.name: b for b in backwards}.values())
    if shape_free:
        result = dataclasses.replace(result, shape_free=tuple(shape_free))
        checked = {check[0] for check in result.layout_checks}  # (a parameter the backward checks is an array)
        for _, _, error in [hazard for hazard in result.number_hazards if hazard[0] not in checked][:1]:
            raise error  # row = y[0]; row *= 2.0 writes into y by y's rank
    cached = cached_values(result) if user_cache and result.cache is not None else frozenset()
    roots = ()
    if shape_free and result.mode == "numpy":  # for W, b in params: a list of arrays of several shapes
        passed = {(id(op), k) for op in ops_in(result.body) if op.rule == "call"
                  for k, p in enumerate(op.param("params").split(","))
                  if p in helper_lists.get(op.param("backward"), ())}
        picked = {(id(op), k) for op in ops_in(result.body) if op.rule == "call"  # (an item of the list
                  for k, p in enumerate(op.param("params").split(","))  # the helper returns)
                  if (id(op), k) in passed and p == structured.item_returned(helpers[op.param("function")][0].func)}
        roots, names = item_lists(result, [p for p in result.params if p in shape_free and p in iterates], passed,
                                  picked)
        result = dataclasses.replace(result, item_lists=names | _listed_items(result, shape_free))
    elif result.mode == "numpy":
        result = dataclasses.replace(result, item_lists=_listed_items(result, shape_free))
    given = dict(known, **{p: v for p, v in called.items() if type(v) in (bool, str)})  # (the decorator keeps its
    # code per flag and string too)
    given.update({} if chain else {p: v for p, v in forward.fixed_defaults if type(v) is str})  # (mode='reflect')
    if given:  # (a parameter's staged name is its own where the code never sets it again)
        result = dataclasses.replace(result, given_values=tuple(sorted(given.items())))
    if nan_outputs:
        result = dataclasses.replace(result, outputs_nan_left_out=True)
    main = reverse(result, cached)
    if user_cache and result.cache is not None:  # CS231n's convention: affine_backward(dout, cache)
        main = from_user_cache(main, result, lambda message, line: _line_error(result, line, message))
        main = dataclasses.replace(main, name=layer_backward_name(result.name))
    else:
        _refuse_draws(result)
    params = [a.arg for a in forward.func.args.args]
    main = dataclasses.replace(main, iterates=tuple(p for p in params if p in iterates), item_lists=roots,
                               layout_checks=result.layout_checks, fixed_defaults=() if chain else forward.fixed_defaults,
                               function_defaults=() if chain else tuple(
                                   (p, *value) for p, value in forward.function_defaults.items()),
                               unrun=bool(getattr(result.shapes, "unrun_sized", ())),
                               shapes_checked=() if args is not None or chain or shape_free or not result.left_out
                               else tuple((p, result.shapes[p]) for p in result.params  # (a branch left out at
                                          if type(result.shapes.get(p)) is tuple),  # these shapes may run at others)
                               numbers_grown=bool(shape_free) and any(
                                   result.shapes.get(n, ()) != () for n in getattr(result.shapes, "numbers_first", ())))
    if args is None and not chain and result.cache is None:  # for u in d: Python takes a dict's keys, and d[k] by
        main = dataclasses.replace(main, keyed_checks=tuple(  # key; the code reads d[i] by position: refused
            p for p in main.iterates if p in shape_free or p not in (shapes or {})),  # as it starts
            none_checks=tuple(p for p in params if p in getattr(forward.func, "none_items", ()) and (
                p in shape_free or not _array_shape((shapes or {}).get(p))) and not chain))
    if shape_free and not chain and result.cache is None:  # vectors[word]: a dict's entry in Python, an array's
        main = dataclasses.replace(main, indexed_checks=_indexed_by_parameters(result, shape_free))  # row here
    if shape_free and not chain:  # for W in Ws, W1, b1 = params: a list of arrays of several shapes is refused
        main = dataclasses.replace(main, stacked=tuple(p for p in main.iterates if p in shape_free
                                                       and p not in roots) + tuple(  # (p[0], p[1]: items too)
            p for p in items_read(result, [n for n in shape_free if n in main.wrt])
            if p not in roots and p not in main.iterates),
                                   arrays=_read_as_arrays(result, [p for p in shape_free if p not in roots]))
    if main.name in forward.helpers and (main.name in forwards or main.name in _called_names(forward.func)):
        # the user has a function of that name, which the forward calls: never replace it
        main = dataclasses.replace(main, name=_free_name(main.name, 2, forward.helpers))
    if packing:
        main = structured.pack(main, packing)
    return Program(main, tuple(forwards.values()), tuple(unique))


def _array_shape(given):
    """Whether a ``shapes=`` entry gives an array (``"4"``, ``"int N"``, ``(3, 4)``): one holds no None."""
    if isinstance(given, tuple):
        return True
    return isinstance(given, str) and given.strip() not in ("float", "int", "bool", "str", "") and \
        not given.strip().startswith(("[", "{"))


def _indexed_by_parameters(staged, params):
    """``(parameter, index)`` for the parameters ``params`` (of no shape given) read at another parameter
    as it is given (``word_to_vec[word]``), or at an item of one (``for home, away, s in games``, then
    ``ratings[home]``): taken for arrays, which a dict read at a key is not.  Only those differentiated:
    the backward reads one that is not (a vocabulary, ``char_to_ix[ch]``) as the forward does."""
    given = set(staged.params)
    found = {}
    ops = list(ops_in(staged.body))
    for op in ops:  # (and the items of those parameters: for home, away, s in games, then ratings[home])
        if op.rule == "getitem" and isinstance(op.args[0], ir.Var) and op.args[0].name in given:
            given.add(op.target)
    for op in ops:
        if op.rule == "getitem" and isinstance(op.args[0], ir.Var):
            base, index = op.args[0].name, op.param("index")
            if base in params and index in given and index != base and base not in staged.lists and \
                    base in staged.wrt:  # (one not differentiated, char_to_ix[ch], is read as Python reads it)
                found.setdefault(base, index)
    return tuple(found.items())


def _read_as_arrays(staged, params):
    """The parameters ``params`` (of no given shape) that the code reads as NumPy arrays where a
    Python list would be read otherwise: an operand of ``+`` or ``*`` (a list joins or repeats), or
    sliced (a list's slice is a copy, an array's a view: but for a slice read by indexing alone,
    ``for c in coeffs[1:]``, its slices likewise) or written into."""
    found = []
    ops = list(ops_in(staged.body))
    for op in ops:
        operands = [a.name for a in op.args if isinstance(a, ir.Var) and a.name in params]
        if not operands:
            continue
        node = source.expression(op.source) if op.source and op.rule not in ("setitem",) else None
        joined = isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mult))
        sliced = op.rule in ("getitem", "setitem") and isinstance(op.args[0], ir.Var) and \
            op.args[0].name in params and (":" in (op.param("index") or "") or op.rule == "setitem")
        if joined:
            found += operands
        elif sliced and (op.rule == "setitem" or not _indexed_only(op.target, ops, staged.outputs)):
            found.append(op.args[0].name)
    return tuple(p for p in params if p in found)


def _indexed_only(name, ops, outputs):
    """Whether the value ``name`` (a slice of a parameter) is read by indexing alone (``seq[i]``), a
    slice of it likewise, by ``sum`` or by ``len``: a list's slice and an array's then give the same numbers."""
    todo, seen = [name], set()
    while todo:
        value = todo.pop()
        if value in seen:
            continue
        seen.add(value)
        if any(isinstance(o, ir.Var) and o.name == value for o in outputs):
            return False
        for op in ops:
            reading = [k for k, a in enumerate(op.args) if isinstance(a, ir.Var) and a.name == value]
            if not reading:
                continue
            if op.rule in ("list_sum", "inert") and reading == [0]:  # sum(q[:i + 1]), len(q[1:]): the same
                continue  # numbers of a list's slice (of numbers; of rows, sum raises for the list, as written)
            if op.rule != "getitem" or reading != [0]:
                return False
            if ":" in (op.param("index") or ""):
                todo.append(op.target)
    return True


def _varying_result(forward, error):
    """The refusal of a helper returning a value of one shape on one path and another on another."""
    known, known_line, shape, line = error.output_shapes
    where = "" if known_line == line else f" (line {known_line})"
    refusal = BackgenError(
        f"{forward.func.name}() returns a value of shape {known} on one path{where} and {shape} on another "
        f"(line {line}): backgen writes the code of its callers for one shape of each value it returns; return "
        "one shape on every path, or compute this in the calling function", error.filename, error.lineno,
        error.offset, error.text)
    refusal.varying_helper = forward.func.name  # (its caller writes it out where it can: ``inline``)
    return refusal


def _module_names(forward):
    """The names the forward's module gives NumPy and math (``np``, ``numpy``, ``math``)."""
    return {"np", "numpy", "math"} | {name for name, value in forward.env.items() if value is np or value is math}


def _passed_sized(op, selected):
    """(parameter, origins) for the arguments of the call ``op`` whose length the data decides
    (``selected``: ``selections.data_sized``), each selection's origins numbered in the order met, so
    that arguments selected alike share a number and the key of the helper's backward is the same
    at every call; a value selected otherwise on another path (``partly``) has a number of its own.
    (parameter, None) for those passed a mask (or indices found in the data, or a length the data
    decides: len(p)): the helper's index by it selects as many elements as the data says."""
    sized, masks, partly, lengths = selected
    numbers, passed, count = {}, [], itertools.count()
    for param, arg in zip(op.param("params").split(","), op.args):
        origins = sized.get(arg.name) if isinstance(arg, ir.Var) else None
        if origins:
            number = next(count) if arg.name in partly else \
                numbers[origins] if origins in numbers else numbers.setdefault(origins, next(count))
            passed.append((param, frozenset({("a selection the caller passes", number)})))
        if isinstance(arg, ir.Var) and (arg.name in masks or arg.name in lengths):
            passed.append((param, None))
    return tuple(passed)


def _passed_new(result, op, reads):
    """The parameters of the helper called by ``op`` that it passes a new array no name holds: a value
    the caller computed for this argument alone (``relu_(x @ W)``), read by nothing else (``reads``:
    ``_read_counts``)."""
    params = op.param("params").split(",")  # (the arguments' order)
    made = {o.target: o for o in ops_in(result.body)}
    loops = _innermost_loops(result.body, None, {})  # a value made outside the loop calling: read again by
    return tuple(param for param, arg in zip(params, op.args)  # its next iteration
                 if isinstance(arg, ir.Var) and arg.name in made and arg.name not in result.user_names
                 and reads.get(arg.name) == 1 and fresh(made[arg.name].source)
                 and made[arg.name].rule not in ("call", "setitem")  # (a write's array: a view may hold it)
                 and loops.get(id(made[arg.name])) == loops.get(id(op)))


def _innermost_loops(items, loop, found):
    """``{id(op): id of the innermost loop around it (None outside loops)}`` for every operation."""
    for item in items:
        if isinstance(item, ir.Op):
            found[id(item)] = loop
        elif isinstance(item, ir.If):
            _innermost_loops(item.body + item.orelse, loop, found)
        else:
            _innermost_loops(item.body, id(item), found)
    return found


def _read_counts(result):
    """``{value: how many times it is read}``: by operations, as a loop's value at the end of an
    iteration, and as an output."""
    atoms = [arg for op in ops_in(result.body) for arg in op.args]
    atoms += [value for loop in ir.loops_in(result.body) for _, value in loop.exits]
    atoms += list(result.outputs)
    reads = {}
    for atom in atoms:
        if isinstance(atom, ir.Var):
            reads[atom.name] = reads.get(atom.name, 0) + 1
    return reads


def _called_names(func):
    """The names ``func`` calls (``f_backward`` of ``f_backward(x)``)."""
    return {node.func.id for node in walk(func) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}


def _literal_arguments(helper, op):
    """``{param: source}`` for the helper's parameters this call gives a constant that is not a
    float (``axis=1``, a flag, None), or leaves at such a default: the helper's backward is
    written for those values, as np.sum's axis must be a constant."""
    return {name: repr(value) for name, value in _constant_arguments(helper, op).items()
            if isinstance(value, (bool, int, str, tuple, type(None)))}


def _constant_arguments(helper, op):
    """``{param: value}`` for the helper's parameters this call gives a constant the code writes
    (``axis=1``, ``0.01``, None), or leaves at such a default, which the helper does not set again."""
    try:
        call = ast.parse(op.source, mode="eval").body
    except SyntaxError:
        return {}
    args = helper.func.args
    if not isinstance(call, ast.Call) or args.vararg or args.kwarg or args.kwonlyargs or \
            any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return {}
    params = [a.arg for a in args.args]
    given = dict(zip(params, call.args))
    given.update({k.arg: k.value for k in call.keywords})
    defaults = dict(zip(params[len(params) - len(args.defaults):], args.defaults))
    assigned = {n.id for n in walk(helper.func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    found = {}
    for name in params:
        try:
            value = ast.literal_eval(given.get(name, defaults.get(name)))
        except (ValueError, SyntaxError, TypeError):  # (not a constant, or not given)
            continue
        if name not in assigned:
            found[name] = value
    return found


def _with_constants(helper, constants):
    """The helper with each parameter of ``constants`` read as that constant, and the tests those
    constants decide (``out if keepdims else ...``, ``if axis is not None:``) decided."""
    if not constants:
        return helper
    class Constants(ast.NodeTransformer):
        def visit_Name(self, node):
            if node.id in constants and isinstance(node.ctx, ast.Load):
                return ast.copy_location(ast.parse(constants[node.id], mode="eval").body, node)
            return node

        def visit_IfExp(self, node):
            self.generic_visit(node)
            decided = _decided(node.test)
            return node if decided is None else node.body if decided else node.orelse

        def visit_If(self, node):
            self.generic_visit(node)
            decided = _decided(node.test)
            if decided is None:
                return node
            return (node.body if decided else node.orelse) or ast.copy_location(ast.Pass(), node)
    func = Constants().visit(tree_copy(helper.func))
    for node in walk(func):  # if w is None: return x decided: what follows the return never runs
        for field in ("body", "orelse"):
            block = getattr(node, field, None)
            returns = [k for k, stmt in enumerate(block) if isinstance(stmt, ast.Return)] \
                if isinstance(block, list) else []
            if returns:
                setattr(node, field, block[:returns[0] + 1])
    return dataclasses.replace(helper, func=func)


def _ranks(forward, specs, args):
    """``{parameter: rank}`` where the shapes given or the arguments say it."""
    ranks = {name: len(spec.dims) for name, spec in specs.items()
             if spec.kind in ("float", "int", "bool") and spec.dims != ANY_RANK}
    if args is not None:
        params = [a.arg for a in forward.func.args.args]
        ranks.update({name: np.ndim(value) for name, value in zip(params, args)
                      if isinstance(value, (np.ndarray, np.generic, float, int))})
    return ranks


def _refuse_list_item_writes(forward, args, chain=()):
    """A list of arrays of one shape given as an argument is differentiated as the one array they
    make; a write into one of its items (``Ws[0] = Ws[1]``, ``Ws[1] *= 2.0``) changes which arrays the
    list holds, which the array's rows do not follow: refused.  A list of numbers is the array they
    make too, and a number written into one of its items (``xs[i] = xs[i] * y``, ``xs[i] += y``) is
    that element of the array written (numbers are values: no other name sees the item change but
    through the list), where the function is the one differentiated (not a helper, whose caller
    holds the list): those writes' lines are returned, each to write a number
    (``_refuse_items_of_other_shapes``)."""
    if args is None:
        return ()
    allowed = []
    lists = {a.arg: "numbers" if all(isinstance(v, (int, float)) for v in value) else "arrays"
             for a, value in zip(forward.func.args.args, args) if isinstance(value, (list, tuple))}
    slices = {}  # a name given a slice of such a list (v = xs[:], v = xs[::-1]): a copy, where the array's is a view
    names = {name: name for name in lists}  # the lists, and names given one (v = xs): the list itself
    for _ in range(2):  # (an alias of an alias)
        for node in walk(forward.func):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and node.value.id in names:
                names.update({t.id: names[node.value.id] for t in node.targets if isinstance(t, ast.Name)})
    for node in walk(forward.func):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Subscript) and \
                isinstance(node.value.value, ast.Name) and node.value.value.id in names and \
                any(isinstance(n, ast.Slice) for n in walk(node.value.slice)):
            slices.update({t.id: names[node.value.value.id] for t in node.targets if isinstance(t, ast.Name)})
    for node in walk(forward.func):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AugAssign) else []
        for target in targets:
            for part in walk(target):
                if isinstance(part, ast.Subscript) and isinstance(part.ctx, ast.Store) and part is target and \
                        isinstance(part.value, ast.Name) and lists.get(part.value.id) == "numbers" and not chain and \
                        not any(isinstance(n, ast.Slice) for n in walk(part.slice)):
                    allowed.append(part.lineno)  # (xs[i] = xs[i] * y: the array's element; checked once staged)
                    continue
                if isinstance(part, ast.Subscript) and isinstance(part.ctx, ast.Store) and \
                        isinstance(part.value, ast.Name) and part.value.id in lists:
                    why = "which changes the arrays the list holds, not that array's rows" \
                        if lists[part.value.id] == "arrays" else "which backgen does not follow into the list given"
                    raise forward.error(f"{part.value.id} is a list of {lists[part.value.id]}, which backgen "
                                        f"differentiates as the one array they make, and this writes into one of "
                                        f"its items, {why}: build a new list (or array) instead", part)
                if isinstance(part, ast.Subscript) and isinstance(part.ctx, ast.Store) and \
                        isinstance(part.value, ast.Name) and part.value.id in slices:
                    name, whole = part.value.id, slices[part.value.id]
                    raise forward.error(f"{name} is a slice of the list {whole}, which backgen differentiates as "
                                        f"the one array it makes, and this writes into it: a list's slice is a "
                                        f"copy, an array's a view, which would carry the write into {whole}: build "
                                        f"{name} with append, or pass {whole} as an array (np.asarray({whole}))",
                                        part)
    return tuple(allowed)


def _refuse_items_of_other_shapes(staged, lines):
    """A write into an item of a list of numbers given (``lines``, ``_refuse_list_item_writes``'s) that
    writes anything but a number (an array, which the list would hold as it is and the array the
    list makes would broadcast into one element) is refused at its line."""
    if not lines:
        return
    for op in ops_in(staged.body):
        if op.rule == "setitem" and op.line in lines and len(op.args) > 1 and isinstance(op.args[1], ir.Var) and \
                tuple(staged.shapes.get(op.args[1].name, ())) != ():
            raise _op_error(staged, op, "this writes an array into an item of a list of numbers given, which "
                                        "backgen differentiates as the one array they make: write a number, or "
                                        "build a new list")


def _nones(forward, args):
    """``{parameter: whether it is None}`` where the arguments say it (the decorator's, a helper's)."""
    if args is None:
        return {}
    return {a.arg: value is None for a, value in zip(forward.func.args.args, args)}


def _rank_tests_decided(forward, ranks, nones=None, given=None, lengths=None):
    """``forward`` with each ``if`` of its body whose test reads only parameters' ranks
    (``x.ndim``, ``np.ndim(x)``, ``len(x.shape)``) or whether they are None (``y is None``, of
    ``nones``: name -> whether the argument given is None), before anything rebinds them, replaced
    by the branch they take: ``if x.ndim == 1: x = x[None, :]`` for a vector, ``if y is None:
    return scores`` dropped where y is given.  The backward is written for these ranks and Nones
    (as the decorator keys its backwards on ranks and types), and each branch may then give a name
    its own shape.  ``given``: {parameter: the integer the code is written for} (the decorator's call's:
    ``if k < 0: k = len(x) + k``), read as its value in the tests too, and ``lengths``: {parameter: the
    length of the list or tuple it is given}, read as ``len(p)``."""
    nones, given, lengths = nones or {}, given or {}, lengths or {}
    numpy_names = {name for name, value in forward.env.items() if value is np} | {"np"}
    forward = _none_tests_decided(forward, nones, numpy_names)
    if not (ranks or nones or given or lengths) or \
            not any(stmt.__class__ is ast.If or holds(stmt, ast.IfExp) for stmt in forward.func.body):
        return forward  # (no if: nothing to decide)
    pending, body, changed, bound = list(forward.func.body), [], False, set()
    touched = set()  # (names read so far: a list's length only as given before anything may append to it)
    while pending:
        stmt = pending.pop(0)
        if isinstance(stmt, ast.If):
            test = _with_ranks(stmt.test, {p: r for p, r in ranks.items() if p not in bound}, numpy_names,
                               {p: n for p, n in nones.items() if p not in bound},
                               {p: v for p, v in given.items() if p not in bound},
                               {p: n for p, n in lengths.items() if p not in bound and p not in touched})
            decided = None if test is None else _decided(test)
            if decided is not None:
                pending[:0] = stmt.body if decided else stmt.orelse
                changed = True
                continue
        elif not isinstance(stmt, (ast.For, ast.While)) and holds(stmt, ast.IfExp):  # z = x if x.ndim == 1
            chosen = _Chosen({p: r for p, r in ranks.items() if p not in bound}, numpy_names, {})  # else ...:
            # the value of the branch taken (a None's test, mode = 'test' if y is None else 'train', is the
            # sentinels' to follow)
            stmt = chosen.visit(tree_copy(stmt))
            changed |= chosen.changed
        body.append(stmt)
        if isinstance(stmt, ast.Return):  # (a branch taken that returns: what follows the if is never run)
            changed |= bool(pending)
            break
        bound |= {node.id for node in walk(stmt) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
        touched |= names_of(stmt)
    if not changed:
        return forward
    func = copy.copy(forward.func)
    func.body = body or [ast.copy_location(ast.Pass(), forward.func.body[-1])]
    return dataclasses.replace(forward, func=func)


def _none_tests_decided(forward, nones, numpy_names):
    """``forward`` with each ``if`` in its loops and blocks whose test reads whether parameters are None
    (``if bs is not None:`` in a loop over layers), of parameters the function never binds again,
    replaced by the branch it takes (those at the top: ``_rank_tests_decided``)."""
    if not nones:
        return forward
    bound = {node.id for node in walk(forward.func) if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load)}
    bound |= {node.arg for node in walk(forward.func) if isinstance(node, ast.arg)} - \
        {a.arg for a in forward.func.args.args}  # (a nested def's or lambda's own parameter of that name)
    fixed = {p: n for p, n in nones.items() if p not in bound}
    if not fixed:
        return forward
    chooser = _NoneTests(fixed, numpy_names)
    func = tree_copy(forward.func)
    func.body = [chooser.visit(stmt) if not isinstance(stmt, ast.If) else chooser.generic_visit(stmt)  # (the
                 for stmt in func.body]  # ifs at the top themselves: _rank_tests_decided's, which follows returns)
    return dataclasses.replace(forward, func=func) if chooser.changed else forward


class _NoneTests(ast.NodeTransformer):
    """``_none_tests_decided``'s rewrite of the statements in loops and blocks (not in a nested def)."""

    def __init__(self, nones, numpy_names):
        self.nones, self.numpy_names, self.changed = nones, numpy_names, False

    def visit_FunctionDef(self, node):
        return node

    visit_AsyncFunctionDef = visit_Lambda = visit_ClassDef = visit_FunctionDef

    def generic_visit(self, node):
        node = super().generic_visit(node)
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and not block and field == "body":
                block.append(ast.copy_location(ast.Pass(), node))
        return node

    def visit_If(self, node):
        test = _with_ranks(node.test, {}, self.numpy_names, self.nones)
        decided = None if test is None else _decided(test)
        if decided is None:
            return self.generic_visit(node)
        self.changed = True
        return [self.visit(stmt) for stmt in (node.body if decided else node.orelse)] or \
            [ast.copy_location(ast.Pass(), node)]


class _Chosen(ast.NodeTransformer):
    """Each conditional expression whose test ``_with_ranks`` decides replaced by the branch it takes;
    ``changed`` once one is."""

    def __init__(self, ranks, numpy_names, nones):
        self.ranks, self.numpy_names, self.nones, self.changed = ranks, numpy_names, nones, False

    def visit_IfExp(self, node):
        test = _with_ranks(node.test, self.ranks, self.numpy_names, self.nones)
        decided = None if test is None else _decided(test)
        if decided is None:
            return self.generic_visit(node)
        self.changed = True
        return self.visit(node.body if decided else node.orelse)


def _with_ranks(test, ranks, numpy_names, nones=None, given=None, lengths=None):
    """``test`` with each rank of a parameter in ``ranks`` read as its number, each ``p is
    None`` (``is not``) of a parameter in ``nones`` as its truth, each parameter of ``given``
    as its value and ``len(p)`` of one of ``lengths`` as its length; None where it reads none."""
    substitute = _Ranks(ranks, numpy_names, nones or {}, given or {}, lengths or {})
    tree = substitute.visit(tree_copy(test))
    return tree if substitute.found else None


class _Ranks(ast.NodeTransformer):
    """``_with_ranks``'s rewrite: ``x.ndim``, ``np.ndim(x)``, ``len(x.shape)`` of a parameter of
    ``ranks`` (name -> rank) as the number; ``found`` once one is."""

    def __init__(self, ranks, numpy_names, nones, given=None, lengths=None):
        self.ranks, self.numpy_names, self.nones, self.found = ranks, numpy_names, nones, False
        self.given, self.lengths = given or {}, lengths or {}

    def visit(self, node):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len" and \
                len(node.args) == 1 and not node.keywords and isinstance(node.args[0], ast.Name) and \
                node.args[0].id in self.lengths:
            self.found = True  # if len(xs) == 0: decided by the list given
            return ast.copy_location(ast.Constant(self.lengths[node.args[0].id]), node)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in self.given:
            self.found = True  # k < 0: decided by the integer given
            return ast.copy_location(ast.Constant(self.given[node.id]), node)
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Is, ast.IsNot)) \
                and isinstance(node.left, ast.Name) and node.left.id in self.nones and \
                isinstance(node.comparators[0], ast.Constant) and node.comparators[0].value is None:
            self.found = True  # b is None, b is not None: decided by the argument
            return ast.copy_location(ast.Constant(self.nones[node.left.id] == isinstance(node.ops[0], ast.Is)), node)
        rank = self.rank_of(node)
        if rank is None:
            return self.generic_visit(node)
        self.found = True
        return ast.copy_location(ast.Constant(rank), node)

    def rank_of(self, node):
        ranks = self.ranks
        if isinstance(node, ast.Attribute) and node.attr == "ndim" and isinstance(node.value, ast.Name):
            return ranks.get(node.value.id)
        if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
            func, arg = node.func, node.args[0]
            if isinstance(func, ast.Attribute) and func.attr == "ndim" and isinstance(func.value, ast.Name) and \
                    func.value.id in self.numpy_names and isinstance(arg, ast.Name):
                return ranks.get(arg.id)
            if isinstance(func, ast.Name) and func.id == "len" and isinstance(arg, ast.Attribute) and \
                    arg.attr == "shape" and isinstance(arg.value, ast.Name):
                return ranks.get(arg.value.id)
        return None


def _free_name(base, start, taken):
    """``base`` (``base2``, ``base3``... from ``start`` on) that names none of ``taken``."""
    name, k = (base if start == 1 else f"{base}{start}"), start
    while name in taken:
        k += 1
        name = f"{base}{k}"
    return name


def _tested_helpers(forward, staged):
    """The user's functions called in tests (``if g(t) > 0:``, ``while g(x) < 1:``)."""
    texts = [item.test for item in _blocks(staged.body) if getattr(item, "test", "")]
    texts += [item.iterable for item in _blocks(staged.body) if getattr(item, "iterable", "")]
    names = []
    for text in texts:
        for node in walk(ast.parse(text, mode="eval")):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in forward.helpers \
                    and node.func.id not in names:
                names.append(node.func.id)
    return names


def _blocks(items):
    for item in items:
        if isinstance(item, (ir.If, ir.Loop)):
            yield item
            yield from _blocks(item.body)
            if item.__class__ is ir.If:
                yield from _blocks(item.orelse)


def _forwards_called(forward, staged):
    """The staged forward of ``staged`` and of every helper it calls, callees first."""
    found = {}
    for name in _called(forward, staged):
        if name not in found:
            inner = read_helper(forward, name)
            inner_staged = stage(inner, None, declared_shapes(inner), staged.mode == "numpy")
            found.update({f.name: f for f in _forwards_called(inner, inner_staged)})
    found[staged.name] = staged
    return list(found.values())


def _called(forward, staged):
    """The user's functions ``staged`` calls: in its operations, then in its tests."""
    names = [op.param("function") for op in ops_in(staged.body) if op.rule == "call"]
    return list(dict.fromkeys(names + _tested_helpers(forward, staged)))


def _reaches(forward, names, seen):
    """Whether ``forward`` calls (through its helpers) any of ``names``."""
    for node in walk(forward.func):
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
    namespace = {staged.modules["np"]: np, staged.modules["math"]: math,
                 **{name: ast.literal_eval(text) for name, text in staged.constants}}  # (its module's numbers)
    for name in _called(forward, staged):
        if name not in namespace:
            inner = read_helper(forward, name)
            namespace[name] = _callable(inner, stage(inner, None, declared_shapes(inner), staged.mode == "numpy"))
    namespace = {**runtime.callables(), **namespace, "_room": check_room}  # (np.add.at's write calls _added_at)
    checked = dataclasses.replace(staged, body=checked_loops(staged.body, rounds=False))  # (its loops check memory)
    exec(compile(emit.forward_source(checked), f"<backgen {staged.name}>", "exec"), namespace)
    return namespace[staged.name]


def _rank_pattern(value):
    """What generated code depends on: ranks, which dimensions are 1, the kind of number."""
    if isinstance(value, np.ndarray):
        return ("array", tuple(d == 1 for d in value.shape), value.dtype.kind)
    if isinstance(value, (np.generic, bool, int, float)):  # 1.5 and np.float64(1.5) read the same
        kind = np.asarray(value).dtype.kind
        return ({"b": "bool", "i": "int", "u": "int", "f": "float"}.get(kind, kind),)
    return (type(value).__name__,)


def _peeled_at_call(func, name, line):
    """``func`` with the innermost loop holding the call of the helper ``name`` on ``line`` peeled once (the
    arguments of its calls there of several rank patterns: the first iteration's, written out, a call site of
    its own), or None where no loop holds it or loops were so peeled ``MAX_PEELS`` times already."""
    done = getattr(func, "call_peels", 0)
    if done >= MAX_PEELS:
        return None
    call = next((node for node in walk(func) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                 and node.func.id == name and node.lineno == line), None)
    if call is None or loop_place(func, call.lineno, call.col_offset, inside=True) is None:
        return None
    func = peeled(func, call.lineno, call.col_offset, inside=True)
    if func is not None:
        func.call_peels = done + 1
    return func


def _distinct_calls(calls, most=16):
    """The arguments of ``calls`` at one site, each set of sizes and integer values once (at most ``most``)."""
    seen = {}
    for args in calls:
        seen.setdefault(_distinct_calls.key(args), args)
        if len(seen) == most:
            break
    return list(seen.values())


def _call_key(args):
    return tuple(("array", v.shape, v.dtype.kind) if isinstance(v, np.ndarray) else
                 ("int", int(v)) if isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)) else
                 _rank_pattern(v) for v in args)


_distinct_calls.key = _call_key


def _with_definite(forward, staged, chain):
    """A helper's ``staged`` forward knowing the values it passes on to the helpers it calls in turn
    where those take a Cholesky factor (``definite``), as deep as they call."""
    helpers = {}
    for op in ops_in(staged.body):
        name = op.param("function") if op.rule == "call" else None
        if name is None or name in chain or name in helpers:
            continue
        try:
            inner = read_helper(forward, name)
            helpers[name] = _with_definite(inner, stage(inner, None, declared_shapes(inner), True), {*chain, name})
        except BackgenError:  # (refused where it is staged for its backward, with its message)
            continue
    return dataclasses.replace(staged, definite=definite_at_calls(staged, helpers)) if helpers else staged


def _recorder(function, calls):
    """``function``, recording the arguments of each call (to learn shapes at the call); a call that
    raises (NumPy refusing the helper's operands, on a branch the forward cannot return through at
    these shapes) is not recorded: there is no backward to write for it."""
    def record(*args):
        at = len(calls)
        calls.append(args)
        try:
            return function(*args)
        except (ValueError, TypeError, IndexError, ArithmeticError):
            del calls[at]
            raise
    record.calls = calls
    return record


def _refuse_draws(staged):
    """A backward taking the forward's inputs (not a layer's cache) computes the forward again: random
    numbers it draws (``np.random.rand(*x.shape) < p`` in a layer called where its cache is not kept)
    would be new ones, not those of the call being differentiated, so such a draw is refused."""
    for op in ops_in(staged.body):
        drawn = next((t for t in [op.source] + [a.source for a in op.args if isinstance(a, ir.Const)]
                      if ".random." in t), None)
        if drawn is not None:
            error = _line_error(staged, op.line, f"{staged.name}() draws random numbers ({drawn}), and its "
                                "backward, computing the forward again, would draw new ones: call it where its cache "
                                "is kept (a layer returning out, cache), or pass the numbers in as a parameter")
            error.shape_free = True  # (whatever the ranks: code written without shapes refuses it at its line)
            raise error


def _line_error(staged, line, message):
    text = staged.lines[line - 1] if 0 < line <= len(staged.lines) else None
    col = len(text) - len(text.lstrip()) + 1 if text else None
    return BackgenError(message, staged.filename, line, col, text)


def _op_error(staged, op, message):
    text = staged.lines[op.line - 1] if 0 < op.line <= len(staged.lines) else None
    return BackgenError(message, staged.filename, op.line, None, text)


def declared_shapes(forward, shapes=None):
    """``{param: Spec}`` from annotations, overridden by ``shapes``."""
    shapes = given_shapes(forward, shapes)
    complex_said = complex_entries(forward.func)
    if complex_said:  # (the code the rules write for real arrays would give no gradient of complex ones)
        raise forward.error(f"the docstring gives {complex_said[0]} as complex: backgen differentiates real "
                            "arithmetic only (pass the real and imaginary parts as real arrays)")
    specs = dict(docstring_shapes(forward.func))  # the docstring's, where annotations say nothing
    specs.update({name: shape_spec("config") for name in forward.settings})
    args = forward.func.args
    defaults = {arg.arg: node for arg, node in source.defaults_of(args)}
    for arg in args.args:
        try:
            found = shape_spec(arg.annotation) if arg.annotation is not None else None
        except (TypeError, ValueError) as exc:
            raise forward.error(f"the annotation of {arg.arg}: {exc}", arg.annotation) from None
        function = forward.function_defaults.get(arg.arg, (None,))[0]
        array = array_default(defaults[arg.arg], forward.env) if found is None and arg.arg in defaults and \
            function is None else None
        if function is not None:  # act=np.tanh: a setting, read as its default is
            found = Spec((), "str", function)
        elif array is not None:  # mean=np.array([0.485, 0.456, 0.406]): an array of the default's shape
            found = Spec(array.shape, {"f": "float", "b": "bool"}.get(array.dtype.kind, "int"))
        elif found is None and arg.arg in defaults:  # a number default: a scalar of its kind (None: unknown)
            value = default_value(defaults[arg.arg])
            if isinstance(value, (bool, str)):  # a flag or a setting: no gradient, its default for samples
                found = Spec((), type(value).__name__, value)
            elif isinstance(value, tuple):  # sizes=(1, 4, 1): a setting too, read as its default is
                found = Spec((), "str", value)
            elif isinstance(defaults[arg.arg], ast.Dict):  # cfg={"scale": 2.0}: settings, its entries the samples'
                found = Spec((), "config", tuple(ast.literal_eval(defaults[arg.arg]).items()))
            else:
                found = shape_spec(type(value)) if value is not None else None
        if found is not None:
            specs[arg.arg] = found
    for name, value in forward.fixed_defaults:  # (the default the code is written for: its samples' value too)
        specs[name] = Spec((), "str" if type(value) is str else "int", value)
    for key, value in shapes.items():
        if structured.is_structured(value, declared=True):  # a list or dict of arrays: flatten()'s
            specs.pop(key, None)
            continue
        try:
            specs[key] = shape_spec(value)
        except (TypeError, ValueError) as exc:
            shown = "..." if hasattr(value, "shape") and hasattr(value, "dtype") else repr(value)  # (an array's
            raise forward.error(f"shapes={{{key!r}: {shown}}}: {exc}") from None  # repr: many lines)
    return specs


def given_shapes(forward, shapes):
    """``shapes`` (``shapes=``, ``--shape``) as a dict, checked: it must map parameters of ``forward`` to
    shapes (in a source text of several functions, one dict may give those of the others' parameters
    too, which are left out); else a BackgenError saying what it must be, or naming the parameters."""
    if shapes is None:
        return {}
    if not isinstance(shapes, dict):
        raise forward.error(f"shapes= must be a dict from parameter names to shapes, like {{'x': 'N, D'}}, "
                            f"not {type(shapes).__name__} {shapes!r}")
    params = _parameters(forward.func)
    unknown = [key for key in shapes if key not in params]
    if unknown:  # (one dict for the functions of a source text: the others' parameters are theirs)
        others = {p for text, _ in {v for v in forward.helpers.values() if isinstance(v, tuple)}
                  for node in _top_defs(text) for p in _parameters(node)}
        unknown = [key for key in unknown if key not in others]
    if unknown:
        raise forward.error(f"shapes names {', '.join(map(repr, unknown))}, which "
                            f"{'is not a parameter' if len(unknown) == 1 else 'are not parameters'} of "
                            f"{forward.func.name}() (parameters: {', '.join(params) or 'none'})")
    return {key: value for key, value in shapes.items() if key in params}


def _parameters(func):
    args = func.args
    return [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]


def _top_defs(text):
    """The functions a source text defines at its top level."""
    try:
        return [n for n in ast.parse(text).body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []



def _staged(forward, wrt, specs, args, arrays, chain, shape_free, passed_new, unmerged, written, split=False,
            also=((), ()), user_cache=False):
    """``forward`` staged (``stage``, with ``unmerged``, ``written`` and ``split`` (its ``split_outputs``) as it says) with the shapes of
    its values, and what ``program`` writes its helpers' backwards from: the calls, the helpers staged
    (those called in tests only apart), each call's site and the arguments recorded there."""
    result = stage(forward, wrt, specs, arrays, unmerged, written, split, cache_path=user_cache)
    if user_cache and result.cache is not None and result.cache.refusal is not None:
        raise result.cache.refusal  # a cache the backward (dout, cache) cannot read (the decorator reads none)
    if user_cache and result.cache is not None and set(result.cache.others) == {result.cache.line}:
        raise _line_error(result, result.cache.line,  # one line, after a branch split for a value's shapes
                          f"{forward.func.name}() builds its cache on line {result.cache.line}, after a branch "
                          "on whose paths a value has shapes of their own, so backgen writes the code after "
                          "that branch once per path, and a backward given the cache alone cannot tell which "
                          "path made it: give that value one shape on both paths, or a name of its own on each")
    if user_cache and result.cache is not None and result.cache.others:  # a cache on each path: which one
        raise _line_error(result, result.cache.line,  # the backward is handed, it cannot tell
                          f"{forward.func.name}() builds a cache on each path (lines "
                          f"{', '.join(map(str, result.cache.others))} and {result.cache.line}), and a backward "
                          "given the cache alone cannot tell which path made it: build it once, after the "
                          "branches, or on the one path whose backward is needed (the training path), leaving "
                          "it None on the others (the decorator, given the settings, follows each path)")
    if passed_new:
        result = dataclasses.replace(result, param_writes=tuple(write for write in result.param_writes
                                                                if write[2] not in passed_new))
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
            try:
                helpers[name] = (helper, stage(helper, None, declared_shapes(helper), result.mode == "numpy"))
            except BackgenError as error:  # a helper returning a constant (np.zeros((N, H))): no backward of
                _constant_written_out(forward, name, error, chain, getattr(error, "constant_return", None) == name)
                raise  # its own, its body written where it is called
    tested = {}
    for name in _tested_helpers(forward, result):
        if name in chain or name == result.name:
            raise forward.error(f"{name}() calls itself: recursion is not supported")
        helper = read_helper(forward, name)
        tested[name] = (helper, stage(helper, None, declared_shapes(helper), result.mode == "numpy"))
        if tested[name][1].param_writes:  # it would change the caller's arrays where nothing follows it:
            error = tested[name][1].param_writes[0][1]  # written into the caller, where the stager follows
            error.inline_helpers = (name,)  # the write (``inline``), or refused
            raise error
        nested = _nested_param_write(helper, tested[name][1], result.mode == "numpy", {name, *chain})
        if nested is not None:  # (layer(X) in a test, its step(p + p, p) writing into p: X changes, which
            raise nested        # no backward of a test follows: refused, as where the call is a statement)
    if calls and result.mode == "numpy" and (not forward.lines or any("cho" in line for line in forward.lines)):
        # (a helper's Cholesky factor of what the call passes: SPD samples; a module naming none has none)
        result = dataclasses.replace(result, definite=definite_at_calls(result, {
            n: _with_definite(h[0], h[1], {result.name, *chain, n}) for n, h in helpers.items()}))
    # each call site records the arguments it was called with, to learn their shapes
    sites = {id(op): k for k, op in enumerate(calls)}
    recorded = {k: [] for k in range(len(calls))}
    functions = {}
    for name in dict.fromkeys([*(op.param("function") for op in calls), *tested]):
        try:
            run = _callable(*(tested[name] if name in tested else helpers[name]))
        except BackgenError as error:  # a helper it calls returns a constant (def _part2(make, N): return
            _constant_written_out(forward, name, error, chain, getattr(error, "constant_return", None) is not None)
            raise  # make(N), given a helper returning np.zeros): written out here, as that one is
        functions[name] = run
    functions = {**{f"_site{k}": _recorder(functions[op.param("function")], recorded[k])
                    for k, op in enumerate(calls)}, **{name: functions[name] for name in tested}}

    def probed(op):
        if op.rule != "call":
            return op
        return dataclasses.replace(op, source=f"_site{sites[id(op)]}({op.source.split('(', 1)[1]}")
    if shape_free:  # (the walk of the shapes tells code for every rank)
        result = dataclasses.replace(result, shape_free=tuple(shape_free))
    probe_body = map_ops(result.body, probed) if calls else None  # (no call: the body runs as it is)
    result = with_shapes(forward, result, specs, args, functions, probe_body, bool(chain), *also)
    present = {id(op) for op in ops_in(result.body)}  # (a call on a branch the shapes left out, never walked,
    calls = [op for op in calls if id(op) in present or recorded[sites[id(op)]]]  # has no backward to write)
    return result, calls, helpers, tested, sites, recorded


def _constant_written_out(forward, name, error, chain, constant):
    """Raise ``_Inlined`` with helper ``name`` written out in ``forward`` where ``constant`` (``error``
    says the helper, or one it calls, returns a constant: no backward of its own) and the function is
    the one differentiated (``chain`` empty), so that the caller writes into that array or computes
    with it as with a constant written there; else return, leaving ``error`` to be raised."""
    func = inlined(forward, name) if constant and not chain else None
    if func is not None:
        raise _Inlined(func) from None


def _refuse_lengths_of_numbers(forward, result, specs):
    """Refuse ``np.arange(s)`` of a number parameter ``s`` (or of numbers made of such numbers alone,
    ``np.arange(2.0 * s)``) in code written for every value of it: its length is what the value says
    (one item at s = 0.5, three at 2.5), and code written at a sample value broadcasts or sums
    the other values' as that one's."""
    numbers = {name: name for name, spec in specs.items()  # (a differentiated one's np.arange: refused as
               if spec.kind == "float" and not spec.dims and name not in result.wrt}  # building a value)
    for op in ops_in(result.body):
        reads = [a.name for a in op.args if isinstance(a, ir.Var)]
        if not reads or not all(name in numbers for name in reads):
            continue
        if op.rule == "inert" and any(isinstance(sub, ast.Call) and getattr(sub.func, "attr", None) == "arange"
                                      for sub in walk(ast.parse(op.source, mode="eval"))):
            number = numbers[reads[0]]
            lines = forward.lines
            raise BackgenError(
                f"np.arange here has as many items as the number {number} says, which code written for every "
                f"value of {number} does not know: give the length as an integer (a parameter declared int, "
                "or int(...) of the number), or use the decorator, which writes the code for the numbers "
                "it is called with", forward.filename, op.line,
                None, lines[op.line - 1] if 0 < op.line <= len(lines) else None)
        numbers[op.target] = numbers[reads[0]]


def with_shapes(forward, result, specs, args=None, functions=None, probe_body=None, helper=False, also=(),
                selections=()):
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
            needed = shapes_needed(forward, result.name, unknown)
            if helper:  # a helper no sample run called: its caller's shapes were given
                raise BackgenError(f"{result.name}() is called only where the walk of its caller at the shapes "
                                   f"given does not go (a loop running no iteration there, or a path no sample "
                                   f"takes), so no call of it gives its arguments' shapes: {needed.msg}",
                                   needed.filename, needed.lineno, needed.offset, needed.text)
            raise needed
        _refuse_lengths_of_numbers(forward, result, specs)
        args = examples(result, specs)
        named = dim_sizes(specs)  # (an integer named like a dimension has its size)
        integers = tuple(i for i, p in enumerate(result.params)
                         if specs[p].kind == "int" and not specs[p].dims and p not in named and specs[p].value is None)
        settings = tuple(i for i, p in enumerate(result.params)  # flag=False, mode="all"
                         if specs[p].kind in ("bool", "str") and not specs[p].dims)
        exact = all(isinstance(d, int) for s in specs.values() if s.dims != ANY_RANK for d in s.dims) and \
            not any(s.dims == ANY_RANK for s in specs.values())  # (sizes the user wrote: every input's)
        try:
            found = _with_sample_shapes(result, args, functions, probe_body, helper, integers, sampled=True,
                                        settings=settings, exact=exact)
            return value_sized.checked(found, forward, specs, lambda bound, larger_first: _with_sample_shapes(
                result, examples(result, specs, larger_first=larger_first, labels_below=bound),
                _unrecorded(functions), probe_body, helper, integers, sampled=True, settings=settings))
        except value_sized.UnsizedByShapes:
            raise
        except BackgenError as first:  # other samples, as the failure asks (other_samples), then other sizes
            if getattr(first, "layout_line", None) is not None:  # (a reshape these shapes make no view)
                raise
            for retry in other_samples.retries(str(first), result, specs, forward.func, integers):
                try:
                    if retry.tolerant:
                        with singular_samples.tolerated():
                            return _with_sample_shapes(result, args, _unrecorded(functions), probe_body, helper,
                                                       integers, sampled=True, settings=settings, exact=exact)
                    return _with_sample_shapes(result, examples(result, specs, **retry.options), _unrecorded(functions),
                                               probe_body, helper, integers, sampled=True, settings=settings)
                except BackgenError as again:
                    if retry.final and _ran(again):
                        raise
            def attempt(fixed):
                fitted = dataclasses.replace(result, coinciding=_coinciding(fixed, specs, forward.func))
                return _with_sample_shapes(fitted, examples(fitted, specs, fixed=fixed), _unrecorded(functions),
                                           probe_body, helper, integers, sampled=True, settings=settings)
            if getattr(first, "varying_shape", None) == "loop" and _runs(result, args, functions, probe_body):
                raise first from None  # (the forward runs at the declared sizes, where a value the loop carries
                # changes shape: no sizes the code asks for, which would hide that change and write a
                # backward for them alone, nx.shape equal to h.shape)
            fitted = _refitted(first, specs, attempt)
            if fitted is not None:
                return fitted
            _with_declared(first, [p for p in result.params if p not in (result.shape_free or ())], specs)
            raise first from None
    return _with_sample_shapes(result, args, functions, probe_body, helper, also=also, selections=selections, exact=True)


def _runs(staged, args, functions, probe_body=None):
    """Whether the staged forward runs to its end on the sample inputs ``args`` (``probe_body`` run
    instead of its body where given: its calls routed through ``functions``)."""
    probe = staged if probe_body is None else dataclasses.replace(staged, body=probe_body)
    try:
        run_check(probe, args, _unrecorded(functions))
    except BackgenError:
        return False
    finally:
        _unrecorded(functions)
    return True


def _refitted(first, specs, attempt):
    """What ``attempt(fixed)`` gives for sizes ``fixed`` of the named dimensions of ``specs`` fitted to the
    code, the sample run at the declared sizes having failed with ``first``; None where none fit.

    Sizes as NumPy's complaint asks (``Sizes.refit``): equal to a number written in the code
    (``np.eye(4)``) or in another declared shape (X (N, D), W1 (4, 5)), to one another, or a product
    (``x.reshape(N, -1).dot(w)``); where it asks nothing it can follow, or on and on, small sizes once
    (code that runs at those only: ``np.ones((3, 2))[i]`` for ``i`` in ``range(N)``), fitted as it asks
    again; where the first complaint sets a size against a smaller one no dimension has (``a[:, H:2 * H]``
    of an axis shorter than ``2 * H``), another dimension a multiple of it (``4 * H``).  The code runs at
    the sizes it is written for, which its backward, written for the ranks, holds at.  A refusal where
    the forward ran at fitted sizes is raised: the sizes fit, the code is refused for another reason."""
    error, fixed, small = first, {}, False
    literal = {d for s in specs.values() for d in s.dims if isinstance(d, int)}
    named = {d: n for d, n in dim_sizes(specs).items() if "*" not in d}
    sizes = Sizes.of_names(named, literal)
    if not sizes.tags:
        return None  # (sizes all written in the shapes: the user's)
    for count in range(12):
        message = str(getattr(error, "msg", error))
        loop = getattr(error, "varying_shape", None) == "loop"
        if count >= 6 and not small or not sizes.refit(message, loop) and (
                _matched_sizes(error, specs, fixed) is None or
                not any([sizes.take(d, n) for d, n in _matched_sizes(error, specs, fixed).items()])):
            if small or not about_sizes(message, loop) or not sizes.small():
                break
            small = True
        fixed = sizes.named()
        try:
            return _alike_at_larger_sizes(attempt(fixed), fixed, _fitted_tags(sizes, named), attempt)
        except BackgenError as again:
            if _ran(again):
                raise  # (what backgen says where the forward runs: the sizes fit, the code is refused)
            error = again
    for sizes in Sizes.of_names(named, literal).multiples(str(first.msg))[:12]:
        try:
            found = attempt(sizes.named())
        except BackgenError:
            continue
        return _alike_at_larger_sizes(found, sizes.named(), _fitted_tags(sizes, named), attempt)
    return None


def _fitted_tags(sizes, named):
    """The sizes ``_alike_at_larger_sizes`` varies: the tags left, and the sizes the fitting gave a named
    dimension in place of its tag (``x[1:] * w`` of x (H,), w (3,): H = 2, where x[1:] broadcasts, as the
    forward runs at H = 4 too, where it does not); not a size of 0 or 1 (an empty axis)."""
    return sizes.tags | {size for name, size in sizes.named().items() if size != named.get(name) and size > 1}


def _alike_at_larger_sizes(found, fixed, tags, attempt):
    """``found``, the code written at the sizes ``fixed`` fitted to it (``_refitted``), where it holds at
    the other sizes the forward runs at too: each fitted size (those of ``tags``, not the code's own)
    doubled, and each one alone doubled, larger by one and by two (where a value has an axis of one, also
    tripled and larger by three to six) (the names of that size together).  Small
    fitted sizes may make a slice of one element (``x[:-2]`` of three) that broadcasts against what longer
    ones do not, and code written for that is wrong at the sizes of a call: where the forward runs at other
    sizes with another pattern of shapes, it is refused at the line (``x[1:, 1:] * w`` of w (3, 3) runs at
    H = 2, W = 4 and at H = W = 4: H alone doubled)."""
    fitted = sorted({size for size in fixed.values() if size in tags})
    others = [{name: size * 2 if size in tags else size for name, size in fixed.items()}]
    changes = [lambda n: n + 1, lambda n: n * 2, lambda n: n + 2]
    if any(type(shape) is tuple and 1 in shape for shape in found.shapes.values()):  # (an axis of one: a
        changes += [lambda n, k=k: n + k for k in range(3, 7)] + [lambda n: n * 3]  # slice x[::2] of 2
        # may broadcast where one of 5 or 6 does not)
    others += [{name: change(size) if size == tag else size for name, size in fixed.items()}
               for change in changes for tag in fitted]
    others = [other for k, other in enumerate(others) if other not in others[:k]]
    tried = False
    for larger in others:
        if larger == fixed:
            continue
        tried = True
        try:
            other = attempt(larger)
        except BackgenError:
            continue  # (the forward runs not at these, as the code ties the sizes)
        conflict = pattern_conflict(found, found.shapes, other.shapes)
        if conflict is None:
            continue
        line, what, one, another = conflict
        sizes = ", ".join(f"{name} = {size}" for name, size in fixed.items())
        changed = ", ".join(f"{name} = {size}" for name, size in larger.items() if size != fixed[name])
        raise _line_error(found, line, f"the sizes the code runs at first ({sizes}) give {what} the shape {one}, "
                                       f"and other sizes it runs at ({changed}) give it {another}: the backward "
                                       "backgen writes for the shapes declared would hold at some sizes only; give "
                                       "the sizes as numbers, or use the decorator, which writes the code for the "
                                       "arrays it is called with")
    return attempt(fixed) if tried else found  # (again: the helpers are written for the calls of the run at
    # the sizes fitted, which each run records anew)


def _coinciding(fixed, specs, func):
    """The sizes of ``fixed`` (named dimensions fitted to the code: ``_refitted``) that a number written in
    ``func``, in a declared shape, or another named dimension has too: a shape of those sizes may equal
    another by chance (``w`` of ``(D, M)`` at ``D = 3``, an output of ``np.full((3, 5), ...)``), which it
    does not at other sizes."""
    written = {node.value for node in walk(func) if isinstance(node, ast.Constant) and type(node.value) is int}
    written |= {d for s in specs.values() for d in s.dims if isinstance(d, int)} if specs else set()
    sizes = list(fixed.values())
    return frozenset(n for n in sizes if n in written or sizes.count(n) > 1)


def _with_declared(error, params, specs):
    """``error``, where NumPy's complaint is about sizes or indexing, saying which shapes the parameters
    ``params`` were declared (those of arrays; not the samples of code written for every shape): no sizes
    of their dimensions fit the code, so they conflict with it."""
    message = str(error.msg)
    if _ran(error) or not (about_sizes(message) or "too many indices" in message or "ValueError" in message):
        return
    declared = [f"{name} ({', '.join(map(str, specs[name].dims))}{',' * (len(specs[name].dims) == 1)})"
                for name in params if name in specs and specs[name].dims and specs[name].dims != ANY_RANK]
    named = list(dict.fromkeys(d.split("*")[-1] for name in params if name in specs and specs[name].dims != ANY_RANK
                               for d in specs[name].dims if isinstance(d, str)))
    tried = f"this line runs at none of the sizes of {', '.join(named)} backgen tried" if named else \
        "this line does not run at them"
    if declared:
        error.msg = f"{message.rstrip()} (shapes declared: {', '.join(declared)}; {tried}: check them against the code)"


def _ran(error):
    """Whether the refusal ``error`` came where the forward ran on the samples (not a failure of theirs)."""
    return not getattr(error, "sample_run", False) and "NumPy raises" not in error.msg and \
        getattr(error, "varying_shape", None) != "loop"


def _unrecorded(functions):
    """``functions`` whose calls record their arguments (``_recorder``) forgetting those recorded, for
    another sample run: the arguments of one that failed are not those the helpers are written for."""
    for function in (functions or {}).values():
        getattr(function, "calls", []).clear()
    return functions


def _helper_wrt(helper, args, constant=()):
    """What a helper called with ``args`` differentiates: not what its caller gives it as integers (a
    count, a flag), nor a tuple or list of integers (a shape: ``im2col_indices(x.shape, 3, 3)``), a string
    or None (a setting: ``act(z, kind)``), a dict of settings, nor the parameters of ``constant`` (every
    call of it passes a float the code writes: ``leaky_relu(x, 0.01)``, whose gradient no one reads)."""
    return tuple(a.arg for a, v in zip(helper.func.args.args, args)
                 if not _integral(v) and not (isinstance(v, (tuple, list)) and v and all(map(_integral, v)))
                 and not (isinstance(v, dict) and not structured.is_structured(v))
                 and not (v is None or isinstance(v, (str, bytes))) and a.arg not in constant)


def _float_literals(helper, op):
    """The helper's parameters this call gives a float written as a number (``0.01``, ``-1.5``), or
    leaves at such a default, which the helper does not set again: no gradient of theirs is read."""
    return frozenset(name for name, value in _constant_arguments(helper, op).items() if type(value) is float)


def _integral(value):
    """An integer or boolean number or array: it carries no gradient."""
    return isinstance(value, (bool, int, np.bool_, np.integer)) or (
        isinstance(value, np.ndarray) and value.dtype.kind in "biu")


def _matched_sizes(error, specs, fixed):
    """Sizes for named dimensions learnt from NumPy's complaint about sample inputs: a sample size
    of a named dimension (``D``, 11) set against a size written in a declared shape (4) takes it."""
    sizes = dim_sizes(specs)
    sizes.update(fixed)
    numbers = [int(n) for n in re.findall(r"\d+", str(error.msg if hasattr(error, "msg") else error))]
    literal = {d for s in specs.values() for d in s.dims if isinstance(d, int) and d > 1}
    named = {size: dim for dim, size in sizes.items() if isinstance(dim, str) and "*" not in dim}
    for number in numbers:
        if number in named and named[number] not in fixed:
            for other in numbers:
                if other in literal and other != number:
                    return {**fixed, named[number]: other}
    return None


def _with_sample_shapes(result, args, functions, probe_body, helper, integers=(), also=(), sampled=False,
                        selections=(), settings=(), exact=False):
    """``result`` with the shapes of its values on the sample ``args`` (``integers``: the positions of
    integer parameters whose values the code is written for every one of, which the data net varies;
    ``also``: other arguments, of other calls of a helper, the code must hold for; ``sampled``: ``args``
    are samples of the shapes declared, the code is for every value of them; ``selections``: a helper's
    parameters its callers pass selections by masks, which its backward checks itself; ``settings``: the
    positions of flags and modes the code is written for every value of; ``exact``: the sizes of ``args``
    are those of every input the code is for, where a branch NumPy raises on whenever it runs is left
    out: ``dead_paths``)."""
    check_differentiable(result, args)
    probe = result if probe_body is None else dataclasses.replace(result, body=probe_body)
    ranked = not result.shape_free and all(  # (the ranks of args are those of every input the code is for: a
        tuple(map(_rank_pattern, other)) == tuple(map(_rank_pattern, args)) for other in also)  # helper's too)
    exact = exact and not helper and not result.shape_free and not also
    staged_body = result.body
    for _ in range(MAX_DEAD_BRANCHES):
        droppable = frozenset() if sampled or helper or probe_body is not None else _sized_loops(result, args)
        try:
            shapes, ran = infer_ran(probe, args, functions, droppable, exact, ranked)
            break
        except DeadBranch as dead:  # a branch raising at these shapes whenever it runs: left out, as one
            result = dataclasses.replace(result, body=dead_paths.drop(result.body, dead.place),  # ending in
                                         left_out=result.left_out + ((dead.note,) if dead.note else ()))  # raise is
            probe = result if probe_body is None else dataclasses.replace(
                probe, body=dead_paths.drop(probe.body, dead.place))
        except BackgenError as error:
            if getattr(error, "varying_shape", None) and not exact:  # the forward itself may fail on these
                run_check(probe, args, functions)  # inputs: then theirs is the fault (a sample run error), not
            raise  # the code's (at sizes every input has, the path the samples take may be one left out)
    else:
        shapes, ran = infer_ran(probe, args, functions, droppable)
    if getattr(shapes, "unrun", ()):  # loops that run no iteration for every call this code is for
        result = probe = dataclasses.replace(result, body=_without_items(result.body, shapes.unrun))
        shapes.unrun_sized = shapes.unrun & getattr(droppable, "by_sizes", frozenset())  # (an array's size
        # decides those: the code is for it, not for every size alike)
    others = (list_names(result, args, functions, shapes=shapes) | {  # (values no arrays: a reshape copies them)
        p for p, v in zip(result.params, args) if not isinstance(v, np.ndarray)}) if result.layouts else ()
    for condition, line in result.layouts:  # a reshape taken as a view: staged again where it is none
        if not layout_holds(condition, shapes, others):
            error = _line_error(result, line, "this reshape gives a view of its array only where that is "
                                "C-contiguous in memory (a copy otherwise), which depends on the arrays passed in")
            error.layout_line = line
            raise error
    arrays = getattr(shapes, "arrays", ())  # of no dimensions, arrays still
    mixed = getattr(shapes, "mixed", ())
    gone = dead_paths.made(staged_body) - dead_paths.made(result.body)  # (values only a branch left out makes:
    for value, error, *_ in result.hazards + (result.param_writes if helper else ()):  # their hazards never are)
        values = value if value.__class__ is tuple else (value,)
        if value is not None and set(values) <= gone:
            continue
        if value is None or any(len(shapes.get(v, ())) > 0 or v in arrays or (
                v not in shapes or not v.isidentifier()) and _constant_array(result, v)  # (np.zeros(()): 0-d,
                                for v in values):  # an array still) an array (or a list): op= wrote into it
            if any(v in mixed for v in values):  # an array on one path, a number on another: op= writes
                error.written_in_place = None  # into it on the one, rebinds on the other; staged as the write
            raise error                        # h[...] = h + v, the number's path would fail
    for value, error in result.array_hazards:  # for r in y: y += r, staged as a write into y's array
        if value not in gone and (type(shapes.get(value)) is not tuple or not shapes.get(value)):
            raise error
    for value, error, _ in result.number_hazards:  # row = y[0] a number: row *= 2.0 did not write into y
        if value not in gone and (value not in shapes or len(shapes[value]) == 0 and value not in arrays):
            if value in shapes and getattr(error, "number_in_place", None) is not None:
                error.written_in_place = error.number_in_place  # (staged again: row *= 2.0 rebinds the number)
            raise error
    if not ran:  # (a forward the walk ran from start to end has run)
        run_check(probe, args, functions)
    shapes.sampled = sampled  # (masks the user passes: of the data's counts, not kept per count by the decorator)
    # the parameters the caller gives floats (the decorator's code is for the kinds of numbers given)
    shapes.floats_given = frozenset() if sampled or helper else frozenset(
        p for p, v in zip(result.params, args) if isinstance(v, (float, np.floating))
        or isinstance(v, np.ndarray) and v.dtype.kind == "f")
    shapes.data_varying = data_varying(probe, args, shapes, functions)
    varying = next((line for condition, line in result.layouts if _names_in(condition) & set(shapes.data_varying)),
                   None) if result.layouts else None
    varying = varying or layout_varies(probe, args, functions)  # (a reshape the data may make a copy: not followed)
    if varying is not None:
        error = _line_error(result, varying, "this reshape gives a view of its array only where that is "
                            "C-contiguous in memory (a copy otherwise), which the data may decide")
        error.layout_line = varying
        raise error
    shapes.data_numbers = data_numbers(probe, args, shapes)
    known = []  # (worked out where a selection's broadcasting is asked about: few functions)
    shapes.sized_axes = lambda: known[0] if known else known.append(sized_axes(probe, args, functions)) or known[0]
    check_other_values(probe, shapes, args, integers, functions, also, selections, settings)
    return dataclasses.replace(result, shapes=shapes, lists=list_names(result, args, shapes=shapes))


def _names_in(condition):
    """The values a condition of ``Staged.layouts`` reads."""
    if condition is True or condition is False:
        return set()
    if condition[0] in ("any", "all"):
        return set().union(*map(_names_in, condition[1]))
    return set(condition[1:])


def _sized_loops(staged, args):
    """The ids of the loops of ``staged``'s body (a ``for`` in an if's branches too, in no other loop)
    whose running no iteration the sizes of the arrays and the integers given decide alone: a ``for``
    over ``range(N - 1)``, ``N = x.shape[0]`` (``range(1, len(x))``, ``range(k)``; in a branch, of
    names set once outside loops, ``n = len(Ws)``, and ``len`` of a slice of a list given, ``seq =
    Ws[1:]``, as a loop over a list is staged past its first item), a ``while`` at the top whose test is
    false as it starts (``i = 1``, ``while i < N``): code written for the values ``args`` is for those
    sizes (of 1, as here) and integers, so such a loop that runs no iteration on ``args`` (``x`` of one
    row) runs none wherever the code is used, and is left out of it (its body may not run on them:
    ``x[i + 1]``).  Not one that gives a value nothing gave before it (``fresh``).  The set's ``by_sizes``:
    those of them whose count reads an array's size (``x.shape[0]``, ``len(x)``), which the decorator keys by
    whether it is 1 only (``range(N - 9)`` runs none at 5 rows and 8, some at 12), not an integer's value."""
    values = dict(zip(staged.params, args))
    read_sizes = []  # (set as a count reads an array's size)
    made = {}
    for op in ir.ops_in(staged.body):  # (the values of a loop, which an iteration or the data may decide, are
        made.setdefault(op.target, []).append(op)  # not sizes: one set in a loop, or carried by one)
    top, unlooped = {id(item) for item in staged.body}, _outside_loops(staged.body)
    once = {name: ops for name, ops in made.items() if len(ops) == 1 and id(ops[0]) in unlooped}  # (set once,
    # in no loop, in an if's branch too: n = len(Ws) where a first iteration is written out, read by a for
    # in that branch)
    made = {name: ops for name, ops in made.items() if all(id(op) in top for op in ops)}
    carriers = {}  # name -> the loops carrying it (a parameter too, under its own name)
    for loop in ir.loops_in(staged.body):
        for name, _ in loop.exits:
            carriers.setdefault(name, []).append(loop)
    carried = set(carriers)
    entering = dict(made)  # (a while's own carried values as it starts: what they are given before it)
    made = {name: ops for name, ops in made.items() if name not in carried}
    once = {name: ops for name, ops in once.items() if name not in carried}

    def sized(node, seen):
        kind = node.__class__
        if kind is ast.Constant:
            return type(node.value) is int
        if kind is ast.Name:
            if node.id in values:
                return type(values[node.id]) is int and node.id not in carried  # (its value is the code's: the
                                                                                # decorator keys it)
            ops = made.get(node.id, ())
            if len(ops) != 1 or node.id in seen or ops[0].rule not in _SIZE_RULES:
                return False
            try:
                tree = ast.parse(ops[0].source, mode="eval").body
            except SyntaxError:
                return False
            return sized(tree, seen | {node.id})
        if kind is ast.BinOp:
            return isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod)) and \
                sized(node.left, seen) and sized(node.right, seen)
        if kind is ast.UnaryOp:
            return isinstance(node.op, ast.USub) and sized(node.operand, seen)
        if kind is ast.Subscript:  # x.shape[0], parts[1]
            return isinstance(node.slice, ast.Constant) and type(node.slice.value) is int and sized(node.value, seen)
        if kind is ast.Attribute:  # x.shape, x.ndim of an array given
            found = node.attr in ("shape", "ndim") and isinstance(node.value, ast.Name) and \
                isinstance(values.get(node.value.id), np.ndarray) and node.value.id not in carried
            read_sizes.append(found and node.attr == "shape")
            return found
        if kind is ast.Compare:  # a while's test
            return all(isinstance(o, (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq)) for o in node.ops) and \
                sized(node.left, seen) and all(sized(c, seen) for c in node.comparators)
        if kind is ast.BoolOp:
            return all(sized(v, seen) for v in node.values)
        if kind is ast.Call and isinstance(node.func, ast.Name) and not node.keywords:
            if node.func.id in ("range", "reversed", "min", "max"):
                return bool(node.args) and all(sized(arg, seen) for arg in node.args)
            if node.func.id == "len" and len(node.args) == 1 and isinstance(node.args[0], ast.Name):
                name = node.args[0].id
                if name not in values and len(made.get(name, ())) == 1 and name not in seen and \
                        made[name][0].rule == "getitem":  # seq = Ws[1:] (a for over Ws past its first item)
                    try:
                        part = ast.parse(made[name][0].source, mode="eval").body
                    except SyntaxError:
                        return False
                    return isinstance(part, ast.Subscript) and isinstance(part.value, ast.Name) and \
                        isinstance(part.slice, ast.Slice) and part.slice.step is None and \
                        sized(ast.Call(ast.Name("len", ast.Load()), [part.value], []), seen | {name}) and \
                        all(bound is None or sized(bound, seen | {name}) for bound in (part.slice.lower,
                                                                                       part.slice.upper))
                read_sizes.append(isinstance(values.get(name), np.ndarray))
                return isinstance(values.get(name), (np.ndarray, list, tuple)) and \
                    name not in carried  # (its length is keyed; a list a loop appends to is not)
        return False

    found, by_sizes = set(), set()
    nested = [loop for loop in _loops_outside_loops(staged.body) if id(loop) not in top]
    for item in list(staged.body) + nested:
        if item.__class__ is not ir.Loop or item.fresh:
            continue
        try:
            test = ast.parse(item.iterable if item.kind == "for" else item.test, mode="eval").body
        except SyntaxError:
            continue
        inner = id(item) not in top  # (a for in an if's branch: its count from sizes, as one at the top)
        read_sizes.clear()
        saved = made
        made = {**once, **made} if inner else made
        sized_for = item.kind == "for" and isinstance(test, ast.Call) and sized(test, frozenset())
        made = saved
        if sized_for:
            found.add(id(item))
        elif item.kind == "while" and not inner:
            own = {name for name, loops in carriers.items() if loops == [item] and name not in values}
            saved = made
            made = {**made, **{name: entering[name] for name in own if name in entering}}
            if isinstance(test, (ast.Compare, ast.BoolOp)) and sized(test, frozenset()):
                found.add(id(item))
            made = saved
        if id(item) in found and any(read_sizes):
            by_sizes.add(id(item))
    return _Loops(found, by_sizes)


class _Loops(frozenset):
    """The ids of ``_sized_loops``, with ``by_sizes`` the ids of those whose count reads an array's size."""

    def __new__(cls, ids=(), by_sizes=()):
        made = super().__new__(cls, ids)
        made.by_sizes = frozenset(by_sizes)
        return made


def _ops_by_target(items):
    """{name: the operations setting it} of ``items``, nested blocks included."""
    found = {}
    for op in ir.ops_in(items):
        found.setdefault(op.target, []).append(op)
    return found


def _outside_loops(items):
    """The ids of the operations of ``items`` in no loop (at the top, or in an if's branches)."""
    found = set()
    for item in items:
        if item.__class__ is ir.Op:
            found.add(id(item))
        elif item.__class__ is ir.If:
            found |= _outside_loops(item.body) | _outside_loops(item.orelse)
    return found


def _loops_outside_loops(items):
    """The loops of ``items`` in no other loop (at the top, or in an if's branches)."""
    found = []
    for item in items:
        if item.__class__ is ir.Loop:
            found.append(item)
        elif item.__class__ is ir.If:
            found += _loops_outside_loops(item.body) + _loops_outside_loops(item.orelse)
    return found


def _without_items(items, ids):
    """``items`` with the items whose ids are in ``ids`` left out, in the branches of ifs too."""
    kept = []
    for item in items:
        if id(item) in ids:
            continue
        if item.__class__ is ir.If:
            body, orelse = _without_items(item.body, ids), _without_items(item.orelse, ids)
            if len(body) != len(item.body) or len(orelse) != len(item.orelse) or \
                    any(a is not b for a, b in zip(body + orelse, item.body + item.orelse)):
                item = dataclasses.replace(item, body=body, orelse=orelse)
        kept.append(item)
    return tuple(kept)


_SIZE_RULES = frozenset({"inert", "getitem", "add", "sub", "mul", "neg", "copy"})


def _constant_array(staged, text):
    """Whether the constant ``text`` (np.ones((3, 1))[0], never read as an operand) is an array;
    one that cannot be evaluated here counts as one."""
    namespace = {"__builtins__": {}, staged.modules["np"]: np, staged.modules["math"]: math}
    try:
        with np.errstate(all="ignore"):
            return isinstance(eval(text, namespace), np.ndarray)  # (0-d too: op= writes into one)
    except Exception:  # (not a constant expression after all: a name the staged code binds)
        return not text.isidentifier()


def guarded(forward, work):
    try:
        return work()
    except BackgenError:
        raise
    except NoSourceError as exc:  # (a function it calls typed at a prompt, made by exec: no bug of backgen's)
        raise forward.error(str(exc)) from None
    except Exception as exc:  # a bug in backgen: still point at the user's function
        raise forward.error(f"internal error while differentiating {forward.func.name}(): "
                            f"{type(exc).__name__}: {exc}") from exc
