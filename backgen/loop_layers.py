"""Layers that loop over a step layer: ``rnn_forward`` calling ``rnn_step_forward`` per time step.

Contract: ``loop_layer(forward, build, shapes=None) -> ir.Program or None``.  A forward in
CS231n's convention whose one ``for t in range(...)`` loop calls a layer of the
file (``next_h, step_cache = rnn_step_forward(x[:, t, :], prev_h, Wx, Wh, b)``)
and collects the step caches (``cache.append(step_cache)``,
``cache["cache%d" % t] = step_cache``, ``next_h, cache[t] = ...``) gets the
backward a person writes: it loops over the steps in reverse, calling the
step layer's generated backward with the gradient arriving at each step's
outputs (from the output slots ``dh[:, t, :]`` and from the next step,
``dprev_h``), and adds up the gradients of the weights every step uses.  A step layer returning
its cache unnamed (``return next_h, prev_h``), whose last value the loop only collects, is built as
one naming it (``cache.cache_returned``).
``build(helper_forward)`` returns the ``ir.Program`` of the step layer.  None
when the forward calls no layer in a loop; a forward that does but is written
outside what is described here is a ``BackgenError`` at its line.

What the forward may hold: before the loop, shapes (``N, T, D = x.shape``),
zero arrays (``h = np.zeros((N, T, H))``), the cache's list or dict and names
for parameters (``prev_h = h0``); in the loop, calls of step layers whose
arguments are parameters, slices of parameters (``x[:, t, :]``), values of the
loop and slots of an output (``h[:, t - 1, :]``), writes into an output's
slots (``h[:, t, :] = next_h``), the collection of the step caches, renamings
(``prev_h = next_h``) and ``if`` on the loop counter (``if t == 0:``, or ``prev = h0 if t == 0 else
h[:, t - 1, :]``); after the loop, the cache by
another name (``cache = caches``) and an output stacked from a list each step
appends its output to (``hs.append(next_h)``; ``h = np.array(hs).transpose(1, 0,
2)`` or ``np.stack(hs, axis=1)``, the step's axes left in their order), read as
writes into the output's slots (``h[:, t] = next_h``).
backgen runs the forward (its step layers as the user wrote them) on sample
arrays of its declared shapes (or ``shapes``), to check that every write fills its slot
exactly and to learn where the backward finds each dimension (``N, T, H =
dh.shape``, ``D = cache[0][0].shape[1]``; from the step caches first where the layer has several
outputs, any of whose gradients may be given as None: zeros of its shape then).
"""

import ast
import math
import re
import types
import warnings

import numpy as np

from . import ir, source
from .cache import Layout, backward_name, cache_returned, output_roles
from .errors import BackgenError
from .layer_dims import RuntimeDims, refuse_numbered
from .nested import Nested
from .parse import is_docstring, read_helper
from .source import tree_copy, names_of


def refuse_parameter_writes(helper_forward, call, error):
    """Refuse composing a layer that writes into an array its caller passes (``Wh[0] += ...``): the
    caller's array then changes from one call to the next, which the composed backward, calling each
    layer's backward as if its inputs were left alone, does not follow.  ``error(message, node)``."""
    from .stage import stage
    try:
        written = stage(helper_forward, None, None, True).param_writes
    except BackgenError:
        return  # (refused when built, with its own reason)
    if written:
        _, write, param = written[0]
        raise error(f"{helper_forward.func.name}() writes into {param!r}, the array its caller passes (line "
                    f"{write.lineno}), which then changes from one call to the next: backgen composes layers that "
                    f"leave their inputs alone; write {param} = ... for a new array in {helper_forward.func.name}()",
                    call)


def loop_layer(forward, build, shapes=None):
    func = forward.func
    body = [s for s in func.body if not is_docstring(s)]
    if not body or not isinstance(body[-1], ast.Return) or not isinstance(body[-1].value, ast.Tuple):
        return None
    loops = [s for s in body[:-1] if isinstance(s, ast.For)]
    if len(loops) != 1 or not _calls_layer(loops[0], forward, body):
        return None
    returned = body[-1].value.elts
    roles = output_roles(func, returned)
    if roles[-1] != "cache" or "gradient" in roles or not all(isinstance(e, ast.Name) for e in returned):
        raise forward.error("a layer looping over a step layer returns its outputs, then the cache: "
                            "return h, cache", body[-1])
    layer = _LoopLayer(forward, build, body, loops[0], [e.id for e in returned], shapes)
    unknown = [p for p in layer.params if p not in layer.specs]
    if not unknown:
        return layer.program()
    return _generic(forward, build, body, loops[0], [e.id for e in returned], shapes, unknown)


def _generic(forward, build, body, loop, returned, shapes, unknown):
    """The backward of a loop layer whose shapes are not given, for every shape: its step layers' backwards
    shape-generic (``shape_free``) and its own lines free of sizes (``_LoopLayer`` with ``generic``), the
    samples of ``shape_free.write`` deciding only whether the forward runs."""
    from .program import declared_shapes
    from .shape_free import write

    def attempt(probe, _):
        return _LoopLayer(forward, build, body, loop, returned, probe, generic=tuple(unknown)).program()
    def needed(reason, where=None):  # (at the line of the error ``where`` where it has one)
        error = forward.error(_needed(unknown, reason), forward.func)
        if getattr(where, "lineno", None) is not None:
            error = BackgenError(error.msg, where.filename, where.lineno, where.offset, where.text)
        return error
    return write(forward, tuple(unknown), declared_shapes(forward, shapes), attempt, needed)


def _needed(unknown, reason=""):
    """The message asking for the shapes of ``unknown``, saying ``reason``."""
    return (f"the shapes of {', '.join(unknown)} are needed: give them in the docstring (- {unknown[0]}: ... of "
            f"shape (N, T, D)), annotate the parameters or pass shapes= (on the command line: --shape "
            f"{unknown[0]}=N,T,D)" + (f" ({reason})" if reason else ""))


def _calls_layer(loop, forward, body):
    for node in ast.walk(loop):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in forward.helpers:
            helper = read_helper(forward, node.func.id)
            rets = [n for n in ast.walk(helper.func) if isinstance(n, ast.Return) and isinstance(n.value, ast.Tuple)]
            if rets and all(isinstance(e, ast.Name) for e in rets[-1].value.elts) and \
                    output_roles(helper.func, rets[-1].value.elts)[-1] == "cache":
                return True
    return any(_step_cache_unnamed(stmt, forward, body) for stmt in ast.walk(loop))


def _step_cache_unnamed(stmt, forward, body):
    """Whether ``stmt`` calls a step layer of the file returning its cache unnamed (``return next_h,
    prev_h``; ``cache_returned``), whose last value the caller only collects into its cache (``prev_h,
    step_cache = step(...)``, then ``cache.append(step_cache)`` or ``cache[t] = step_cache``, the cache
    returned last): read as that layer's cache, which carries no gradient."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Tuple)
            and len(stmt.targets[0].elts) >= 2 and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Name) and stmt.value.func.id in forward.helpers):
        return False
    returned = body[-1].value.elts[-1] if isinstance(body[-1], ast.Return) and \
        isinstance(body[-1].value, ast.Tuple) else None
    cache, last = getattr(returned, "id", None), stmt.targets[0].elts[-1]
    if cache is None or cache_returned(read_helper(forward, stmt.value.func.id)) is None:
        return False
    if isinstance(last, ast.Subscript):  # next_h, cache[t] = step(...)
        return _name(last.value) == cache
    if not isinstance(last, ast.Name):
        return False
    uses = [n for s in body for n in ast.walk(s) if isinstance(n, ast.Name) and n.id == last.id]
    collected = []  # what cache.append(v) and cache[k] = v put into the cache
    for node in (n for top in body for n in ast.walk(top)):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and \
                isinstance(node.value.func, ast.Attribute) and node.value.func.attr == "append" and \
                _name(node.value.func.value) == cache and len(node.value.args) == 1:
            collected.append(node.value.args[0])
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript) \
                and _name(node.targets[0].value) == cache:
            collected.append(node.value)
    loads = [n for n in uses if isinstance(n.ctx, ast.Load)]
    return len(uses) == 2 and len(loads) == 1 and any(c is loads[0] for c in collected)


class _LoopLayer:
    def __init__(self, forward, build, body, loop, returned, shapes=None, generic=False):
        self.forward, self.build, self.loop = forward, build, loop
        self.generic = generic  # the parameters of no shape given: code free of sizes (``_generic``)
        self.func = forward.func
        self.pre = body[:body.index(loop)]
        self.post = body[body.index(loop) + 1:-1]
        self.outputs, self.cache = returned[:-1], returned[-1]
        from .program import declared_shapes  # the caller's rule for shapes
        from .sandwich import _float_params
        self.specs = declared_shapes(forward, shapes)
        self.params = [a.arg for a in self.func.args.args]
        self.wrt = [p for p in _float_params(forward)
                    if not (p in self.specs and self.specs[p].kind in ("int", "bool", "str"))]

    def error(self, message, node):
        return self.forward.error(message, node)

    # ---- reading the forward -------------------------------------------------------------
    def program(self):
        self.kinds = {}  # name before the loop -> "int", "zeros", "collection" or ("alias", param)
        for stmt in self.pre:
            self.read_pre(stmt)
        self.stacked = {}  # list the loop appends a step's output to -> (output, the index of step t in it)
        for stmt in self.post:
            self.read_post(stmt)
        if self.kinds.get(self.cache) != "collection":
            raise self.error(f"the cache {self.cache!r} must be the list or dict the loop collects the step "
                             f"caches in ({self.cache} = [] before the loop)", self.loop)
        loop = self.loop
        iterable = loop.iter
        if not (isinstance(loop.target, ast.Name) and isinstance(iterable, ast.Call)
                and isinstance(iterable.func, ast.Name) and iterable.func.id == "range" and not iterable.keywords
                and (len(iterable.args) == 1 or len(iterable.args) == 2 and isinstance(iterable.args[0], ast.Constant)
                     and iterable.args[0].value == 0)) or loop.orelse:
            raise self.error("loop over the steps as for t in range(T)", loop)
        self.t = loop.target.id
        self.assigned = set()
        for node in ast.walk(ast.Module(loop.body, [])):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                self.assigned.add(node.id)
        self.buffers = {n for n in self.assigned_slots(loop.body) if self.kinds.get(n) == "zeros"} | \
            {out for out, _ in self.stacked.values()}
        self.nodes = self.read_body(loop.body)
        collects = [n for n in _all_nodes(self.nodes) if _collects(n)]
        top = [n for n in self.nodes if _collects(n)]
        self.per_step = len(top) if len(top) == len(collects) else 1  # under an if: one per step
        if self.per_step > 1 and any(n[0] == "collect" and n[2] is None for n in top) and \
                not all(n[0] == "collect" and n[2] is None for n in top):
            raise self.error("collect a step's caches all with append or all with keys", self.loop)
        for name in self.outputs:
            if name not in self.buffers and name not in self.assigned:
                raise self.error(f"{name!r} is returned but the loop does not compute it", self.loop)
        for buffer in sorted(self.buffers):
            self.check_writes(buffer)
        self.run_sample()
        return self.reverse()

    def read_pre(self, stmt):
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
            names = [target.id] if isinstance(target, ast.Name) else \
                [e.id for e in target.elts] if isinstance(target, ast.Tuple) and \
                all(isinstance(e, ast.Name) for e in target.elts) else None
            if names is not None:
                kind = self.pre_kind(value, len(names))
                if kind is not None:
                    for name in names:
                        self.kinds[name] = kind
                    return
        raise self.error("before the loop over the steps, a layer looping over a step layer may only read "
                         "shapes (N, T, D = x.shape), make zero arrays (h = np.zeros((N, T, H))), start the "
                         "cache (cache = []) and name parameters (prev_h = h0)", stmt)

    def read_post(self, stmt):
        """After the loop: ``cache = caches`` (the returned cache is the collection by another name), or
        an output stacked from a list the loop appends a step's output to (``h = np.array(hs).transpose(1,
        0, 2)``, ``h = np.stack(hs, axis=1)``): slot ``[:, t]`` of ``h`` is ``hs[t]``, as a write into it."""
        target = stmt.targets[0].id if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and \
            isinstance(stmt.targets[0], ast.Name) else None
        value = getattr(stmt, "value", None)
        if target == self.cache and isinstance(value, ast.Name) and self.kinds.get(value.id) == "collection":
            self.cache = value.id
            return
        stacked = self.stacking(value)
        if target in self.outputs and stacked is not None and self.kinds.get(stacked[0]) == "collection" and \
                stacked[0] not in self.stacked and stacked[0] != self.cache and \
                all(out != target for out, _ in self.stacked.values()):
            self.stacked[stacked[0]] = (target, stacked[1])
            return
        raise self.error("after the loop of a layer looping over a step layer, only an output stacked from the "
                         "list of the steps' outputs (h = np.array(hs).transpose(1, 0, 2), np.stack(hs, axis=1)) "
                         "and the cache by another name (cache = caches) may come before the return", stmt)

    def stacking(self, value):
        """``(list, position of the step axis)`` of ``np.array(hs)``, ``np.array(hs).transpose(1, 0, 2)``
        (the other axes in their order) or ``np.stack(hs, axis=1)``; None for anything else."""
        position = 0
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "transpose" \
                and not value.keywords:
            axes = value.args[0].elts if len(value.args) == 1 and isinstance(value.args[0], ast.Tuple) else value.args
            if not axes or not all(isinstance(a, ast.Constant) and type(a.value) is int for a in axes):
                return None
            order = [a.value for a in axes]
            if sorted(order) != list(range(len(order))) or [k for k in order if k != 0] != list(range(1, len(order))):
                return None  # (the step's own axes moved: its slot is no step's output as it is)
            position, value = order.index(0), value.func.value
        called = (_dotted(value.func) or "").rpartition(".") if isinstance(value, ast.Call) else ("", "", "")
        if self.forward.env.get(called[0]) != "numpy" or len(value.args) != 1 or \
                not isinstance(value.args[0], ast.Name):
            return None
        if called[2] == "array" and not value.keywords:
            return value.args[0].id, position
        if called[2] == "stack" and position == 0 and all(k.arg == "axis" for k in value.keywords):
            axis = value.keywords[0].value if value.keywords else ast.Constant(0)
            if isinstance(axis, ast.Constant) and type(axis.value) is int and axis.value >= 0:
                return value.args[0].id, axis.value
        return None

    def pre_kind(self, value, count):
        if _is_shape(value, self.params):
            return "int"
        if count != 1:
            return None
        if isinstance(value, ast.Name) and value.id in self.params:
            return ("alias", value.id)
        if isinstance(value, (ast.List, ast.Dict)) and not getattr(value, "elts", None) \
                and not getattr(value, "keys", None):
            return "collection"
        if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mult) and isinstance(value.left, ast.List) \
                and len(value.left.elts) == 1 and isinstance(value.left.elts[0], ast.Constant):
            return "collection"
        called = (_dotted(value.func) or "").rpartition(".") if isinstance(value, ast.Call) else ("", "", "")
        if self.forward.env.get(called[0]) == "numpy" and called[2] in ("zeros", "empty", "zeros_like", "empty_like"):
            return "zeros"
        if isinstance(value, (ast.Constant, ast.BinOp)) and all(
                isinstance(n, (ast.Constant, ast.BinOp, ast.operator)) or isinstance(n, ast.Name)
                and self.kinds.get(n.id) == "int" for n in ast.walk(value)):
            return "int"
        return None

    def assigned_slots(self, stmts):
        found = set()
        for node in ast.walk(ast.Module(stmts, [])):
            targets = node.targets if isinstance(node, ast.Assign) else []
            for target in targets:
                for elt in (target.elts if isinstance(target, ast.Tuple) else [target]):
                    if isinstance(elt, ast.Subscript) and isinstance(elt.value, ast.Name):
                        found.add(elt.value.id)
        return found

    def read_body(self, stmts):
        nodes = []
        for stmt in stmts:
            if isinstance(stmt, ast.If):
                self.check_index(stmt.test, stmt, "the test")
                nodes.append(("if", stmt, _test_source(stmt.test), self.read_body(stmt.body),
                              self.read_body(stmt.orelse)))
            elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) \
                    and isinstance(stmt.value.func, ast.Attribute) and stmt.value.func.attr == "append" \
                    and _name(stmt.value.func.value) == self.cache and len(stmt.value.args) == 1 \
                    and isinstance(stmt.value.args[0], ast.Name):
                nodes.append(("collect", stmt, None, stmt.value.args[0].id))
            elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) \
                    and isinstance(stmt.value.func, ast.Attribute) and stmt.value.func.attr == "append" \
                    and _name(stmt.value.func.value) in self.stacked and len(stmt.value.args) == 1 \
                    and isinstance(stmt.value.args[0], ast.Name) and not stmt.value.keywords:
                out, position = self.stacked[stmt.value.func.value.id]  # hs.append(next_h): h[:, t] = next_h
                nodes.append(("stack", stmt, out, ", ".join([":"] * position + [self.t]), stmt.value.args[0].id))
            elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                    and isinstance(stmt.value, ast.IfExp):  # prev_h = h0 if t == 0 else h[:, t - 1, :]: an if
                nodes += self.read_body([_as_if(stmt)])
            elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                nodes.append(self.read_assign(stmt, stmt.targets[0], stmt.value))
            else:
                raise self.error("in the loop of a layer looping over a step layer, only calls of step layers, "
                                 "writes into the outputs, the collection of the step caches, renamings and "
                                 "if on the step are supported", stmt)
        return nodes

    def read_assign(self, stmt, target, value):
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in self.forward.helpers:
            if value.keywords or not isinstance(target, ast.Tuple) or len(target.elts) < 2:
                raise self.error(f"call {value.func.id}() with its arguments in order and take its outputs and "
                                 "its cache (next_h, step_cache = ...)", stmt)
            targets = [self.read_target(e, stmt, k == len(target.elts) - 1) for k, e in enumerate(target.elts)]
            args = [self.read_arg(a, stmt) for a in value.args]
            return ("call", stmt, targets, value.func.id, args)
        if isinstance(target, ast.Subscript) and _name(target.value) == self.cache:
            if not isinstance(value, ast.Name):
                raise self.error("collect the step's cache by its name", stmt)
            self.check_index(target.slice, stmt, "the key")
            return ("collect", stmt, _index(target.slice), value.id)
        if isinstance(target, ast.Subscript) and _name(target.value) in self.buffers:
            self.check_index(target.slice, stmt, "the index")
            if not isinstance(value, ast.Name):
                raise self.error("write a step's output into the output by its name (h[:, t, :] = next_h)", stmt)
            return ("write", stmt, target.value.id, _index(target.slice), value.id)
        if isinstance(target, ast.Name):
            return ("rebind", stmt, target.id, self.read_arg(value, stmt))
        raise self.error("in the loop of a layer looping over a step layer, only calls of step layers, writes "
                         "into the outputs, the collection of the step caches and renamings are supported", stmt)

    def read_target(self, node, stmt, last):
        if isinstance(node, ast.Name):
            return ("name", node.id)
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            self.check_index(node.slice, stmt, "the index")
            if last and node.value.id == self.cache:
                return ("collect", _index(node.slice))
            if not last and node.value.id in self.buffers:
                return ("slot", node.value.id, _index(node.slice))
        raise self.error("a step's outputs go to names or to slots of an output, its cache to a name or "
                         "into the cache", stmt)

    def read_arg(self, node, stmt):
        if isinstance(node, ast.Constant):
            return ("const", ast.unparse(node))
        if isinstance(node, ast.Name):
            name = node.id
            if name in self.assigned:
                return ("name", name)
            alias = self.kinds.get(name)
            if isinstance(alias, tuple):
                name = alias[1]
            if name in self.wrt:
                return ("param", name)
            if name in self.params or self.kinds.get(name) in ("int", "zeros") or name == self.t:
                return ("const", node.id)
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            self.check_index(node.slice, stmt, "the index")
            name = node.value.id
            alias = self.kinds.get(name)
            if isinstance(alias, tuple) and name not in self.assigned:
                name = alias[1]
            if name in self.wrt:
                return ("slice", name, _index(node.slice))
            if name in self.buffers:
                return ("read", name, _index(node.slice))
        raise self.error("a step layer takes parameters, slices of them (x[:, t, :]), values of the loop or "
                         "slots of an output here: compute anything else inside the step layer", stmt)

    def check_index(self, node, stmt, what):
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and sub.id != self.t:
                raise self.error(f"{what} may only use the step {self.t!r} and numbers: the backward does not "
                                 f"know {sub.id!r}", stmt)
            if isinstance(sub, (ast.Call, ast.Attribute, ast.Subscript)):
                raise self.error(f"{what} may only use the step {self.t!r} and numbers", stmt)

    # ---- the sample run ----------------------------------------------------------------------
    def run_sample(self):
        with warnings.catch_warnings():  # `if t is 0:` as students write it
            warnings.simplefilter("ignore", SyntaxWarning)
            try:
                self.run_steps()
            except BackgenError as exc:
                exc.sample_run = exc.sample_run if hasattr(exc, "sample_run") else self.generic  # (at these
                raise                                                                           # samples only)
            except Exception as exc:  # noqa: BLE001 - the user's code, at sizes it was not written for
                error = self.error(f"could not run {self.func.name}() on sample arrays of the declared shapes: "
                                   f"{type(exc).__name__}: {exc} (a size written as a number, where the shapes "
                                   "name it, takes the sample's size: declare the sizes as numbers)", self.func)
                error.sample_run = self.generic
                raise error from None

    def run_steps(self):
        from .shapes import dim_sizes, examples
        unknown = [p for p in self.params if p not in self.specs]
        if unknown:
            raise self.error(_needed(unknown), self.func)
        self.sizes = dim_sizes(self.specs)
        args = examples(types.SimpleNamespace(params=tuple(self.params)), self.specs)
        helpers = _user_functions(self.forward)
        env = dict(helpers, **dict(zip(self.params, args)))  # the file's modules and constants too
        self.param_values = {p: env[p] for p in self.params}  # (the very arrays: what a step cache holds)
        self.param_shapes = {p: np.shape(v) for p, v in env.items() if isinstance(v, np.ndarray)}
        for stmt in self.pre:
            exec(compile(ast.Module([stmt], []), "<sample>", "exec"), env)
        read = [(n, env[n]) for n, kind in self.kinds.items()  # (``_`` names nothing: _, H = h0.shape)
                if kind == "int" and type(env.get(n)) is int and n != "_"]
        self.labels = {size: n for n, size in read if [s for _, s in read].count(size) == 1}  # N, T, D = x.shape
        if not self.generic:  # (sample sizes, which the code free of sizes never reads)
            refuse_numbered(self.specs, self.params, dict(read), self.error, self.func)
        count = eval(compile(ast.Expression(self.loop.iter), "<sample>", "eval"), env)
        self.step_caches = []
        self.call_args = {}  # step layer -> the arguments of its first call
        self.iterations = 0
        for t in count:
            env[self.t] = t
            self.collected = []
            self.run_nodes(self.nodes, env, helpers)
            if len(self.collected) != self.per_step:
                raise self.error("each step must collect its step caches, the same ones at every step", self.loop)
            self.iterations += 1
        self.final = {n: env[n] for n in self.assigned if n in env}  # (before an output stacked after the
        for name in self.stacked:                                      # loop takes a carried value's name,
            if len(env[name]) != self.iterations:                      # or the list's: hs = np.stack(hs))
                raise self.error(f"each step must append its output to {name!r} once", self.loop)
        for stmt in self.post:
            exec(compile(ast.Module([stmt], []), "<sample>", "exec"), env)
        if len(env[self.cache]) != self.iterations * self.per_step:
            raise self.error(f"{self.cache!r} must hold the step caches, one per step layer called", self.loop)
        self.collection = env[self.cache]
        self.output_values = [env[n] for n in self.outputs]

    def run_nodes(self, nodes, env, helpers):
        for node in nodes:
            kind, stmt = node[0], node[1]
            if kind == "if":
                test = eval(compile(ast.Expression(stmt.test), "<sample>", "eval"), env)
                self.run_nodes(node[3] if test else node[4], env, helpers)
                continue
            if kind == "write":
                slot = eval(f"{node[2]}[{node[3]}]", env)
                if np.shape(slot) != np.shape(env[node[4]]):
                    raise self.error(f"this writes a value of shape {np.shape(env[node[4]])} into a slot of shape "
                                     f"{np.shape(slot)}: write values of the slot's shape", stmt)
            if kind == "collect" or kind == "call" and node[2][-1][0] == "collect":
                self.collected.append(stmt)
            if kind == "call":
                args = [eval(compile(ast.Expression(a), "<sample>", "eval"), env) for a in stmt.value.args]
                self.call_args.setdefault(node[3], args)
                results = helpers[node[3]](*args)
                if not isinstance(results, tuple) or len(results) != len(node[2]):
                    raise self.error(f"{node[3]}() does not return {len(node[2])} values here", stmt)
                for target, value in zip(node[2][:-1], results[:-1]):
                    if target[0] == "slot" and np.shape(eval(f"{target[1]}[{target[2]}]", env)) != np.shape(value):
                        raise self.error("this writes a step's output into a slot of another shape", stmt)
                self.step_caches.append(results[-1])
                env["_step_results"] = results
                stmt = ast.fix_missing_locations(ast.Assign(stmt.targets, ast.Name("_step_results", ast.Load())))
            exec(compile(ast.Module([stmt], []), "<sample>", "exec"), env)

    # ---- the backward ---------------------------------------------------------------------------
    def reverse(self):
        self.taken = set(self.params) | self.assigned | {self.cache, "cache", self.t, "np"} | set(self.kinds)
        self.generated = ["cache", self.t, "np"]
        self.upstreams = ["dout"] if len(self.outputs) == 1 else [self.fresh("d" + n) for n in self.outputs]
        self.programs = {}
        self.uses = self.param_uses(self.nodes)
        self.retrieve = {}
        self.find_collects(self.nodes)
        self.needs_copy = set()
        self.adjoint_of_buffer = {}
        for name, up in zip(self.outputs, self.upstreams):
            if name in self.buffers:
                self.adjoint_of_buffer[name] = up
        carried = sorted(n for n in self.assigned if self.is_carried(n))
        self.carried = {n: self.fresh("d" + n) for n in carried}
        self.accumulators = {p: self.fresh("d" + p) for p in self.wrt}
        adj = {n: [v] for n, v in self.carried.items()}
        self.numbers = {id(node[1]): k for k, node in enumerate(_all_nodes(self.nodes), 1) if node[0] != "if"}
        self.stacks = self.generic_stacks() if self.generic else {}
        body = self.reverse_nodes(list(self.nodes), adj)
        for n, var in self.carried.items():
            pending = adj.get(n, [])
            if pending != [var]:
                body.append(ir.AdjointLine(var, False, _sum(pending, self.carried.values()) if pending else "0"))
        if self.generic:
            self.checked_carried(body)
        # the buffers' gradients: a copy where the loop adds into them
        setup = []
        for name, up in zip(self.outputs, self.upstreams):
            if name in self.buffers and name in self.needs_copy:
                var = self.fresh("d" + name)
                setup.append(ir.AdjointLine(var, False, f"{up}.copy()"))
                body = _rename(body, up, var)
        forward_only = (set(self.kinds) | self.assigned | set(self.params)) - set(self.generated)
        sources = self.sources()
        several = len(self.outputs) > 1 and not self.generic  # (any upstream may be None: dimensions read
        if several:                                            # from the step caches first)
            sources = sources[len(self.upstreams):] + sources[:len(self.upstreams)]
        self.dims = RuntimeDims(self.sizes, sources, self.taken - forward_only, lambda size: self.error(
            f"the backward cannot learn a dimension (of size {size} in the samples) from the upstream gradient "
            "or the step caches: keep the step's inputs in its cache", self.func), self.labels)
        steps = self.dims.names.get(self.iterations)
        if several and steps is not None and steps not in self.dims.taken and self.iterations > 1:
            self.dims.bindings.append(ir.Statement(f"{steps} = len(cache)" + (f" // {self.per_step}"
                                                                              if self.per_step > 1 else "")))
            self.dims.bound[self.iterations] = steps  # (T = len(cache): no upstream read for it)
        given = []  # an output's gradient given as None: zeros of its shape
        for up, value in zip(self.upstreams, self.output_values) if several else ():
            try:
                given.append(ir.Block(f"if {up} is None:", (ir.AdjointLine(
                    up, False, f"np.zeros({self.dims.shape(np.shape(value))})"),)))
            except BackgenError:
                pass
        zeros = []
        for p, var in self.accumulators.items():
            if p in self.uses and self.generic:
                zeros.append(ir.AdjointLine(*self.stacks[p][:1], False, f"[None] * {self.count_source()}")
                             if p in self.stacks else ir.AdjointLine(var, False, self.held_zeros(p)))
            elif p in self.uses:
                zeros.append(ir.AdjointLine(var, False, f"np.zeros({self.dims.shape(self.param_shapes[p])})"))
        stacked = {out for out, _ in self.stacked.values()}
        for n, var in self.carried.items():
            if n in self.outputs and n not in stacked:  # (an output stacked after the loop under the carried
                # value's name, h = np.stack(hs, axis=1), is no longer that value: its gradient reaches the steps'
                # slots, and the carried value's own starts at zero)
                zeros.append(ir.AdjointLine(var, False, self.upstreams[self.outputs.index(n)]))
            elif self.generic:  # (only ever added to a slot's gradient: checked_carried)
                zeros.append(ir.AdjointLine(var, False, "0.0"))
            else:
                zeros.append(ir.AdjointLine(var, False, f"np.zeros({self.dims.shape(np.shape(self.final[n]))})"))
        count = self.count_source()
        loop = ir.Block(f"for {self.t} in reversed(range({count})):", tuple(body))
        after, returns = [], []
        for p in self.wrt:
            contributions = [var for n, var in self.carried.items()
                             if self.kinds.get(n) == ("alias", p) or n == p]
            if p in self.stacks:
                after.append(ir.AdjointLine(self.accumulators[p], False,
                                            f"np.stack({self.stacks[p][0]}, axis={self.stacks[p][1]})"))
            if p in self.uses:
                after += [ir.AdjointLine(self.accumulators[p], True, c) for c in contributions]
            elif contributions:
                after.append(ir.AdjointLine(self.accumulators[p], False, " + ".join(contributions)))
            else:  # zeros of its shape, each dimension read from dout or the step caches
                try:
                    zero = self.held_zeros(p) if self.generic else \
                        f"np.zeros({self.dims.shape(self.param_shapes[p])})" if p in self.param_shapes else None
                except BackgenError:
                    zero = None
                if zero is None:
                    raise self.error(f"{p!r} reaches none of the step layers: leave it out, or use it", self.func)
                after.append(ir.AdjointLine(self.accumulators[p], False, zero))
            returns.append(self.accumulators[p])
        groups = tuple(self.dims.bindings + given + setup + zeros + [loop] + after)
        stem = backward_name(self.func.name)
        layout = Layout("steps", (), (), self.loop.lineno)
        main = ir.Backward(stem, self.func.name, (), (), tuple(self.upstreams), tuple(self.wrt), (), groups, (),
                           tuple(returns), {"np": "np", "math": "math"}, "numpy", cache=layout)
        helpers, forwards = [], []
        for program in self.programs.values():
            helpers += list(program.helper_backwards) + [program.main]
            forwards += list(program.helper_forwards)
        return ir.Program(main, tuple({f.name: f for f in forwards}.values()),
                          tuple({b.name: b for b in helpers}.values()))

    def fresh(self, base):
        name, k = base, 2
        while name in self.taken:
            name, k = f"{base}{k}", k + 1
        self.taken.add(name)
        self.generated.append(name)
        return name

    def is_carried(self, name):
        """Read in the loop before the loop (re)computes it: its value crosses from one step to the next."""
        if name not in self.kinds and name not in self.outputs:
            return self.read_before_set(self.nodes, name, set()) is True
        return True

    def read_before_set(self, nodes, name, seen):
        for node in nodes:
            if node[0] == "if":
                a = self.read_before_set(node[3], name, seen)
                b = self.read_before_set(node[4], name, seen)
                if a is True or b is True:
                    return True
                if a == "set" and b == "set":
                    return "set"
                continue
            if name in _reads(node):
                return True
            if name in _sets(node):
                return "set"
        return False

    def param_uses(self, nodes):
        uses = {}
        for node in nodes:
            if node[0] == "if":
                for p, (count, slices) in list(self.param_uses(node[3]).items()) + \
                        list(self.param_uses(node[4]).items()):
                    old = uses.get(p, (0, set()))
                    uses[p] = (old[0] + count, old[1] | slices)
                continue
            for arg in _args(node):
                if arg[0] in ("param", "slice"):
                    old = uses.get(arg[1], (0, set()))
                    uses[arg[1]] = (old[0] + 1, old[1] | ({arg[2]} if arg[0] == "slice" else {None}))
        return uses

    def once_per_step(self, p, index):
        """The slice ``p[index]`` is p's only use, and distinct steps read distinct slots."""
        paths = self.max_on_path(self.nodes, p)
        count, slices = self.uses[p]
        parts = _index_parts(index)
        return paths == 1 and slices == {index} and any(part == self.t for part in parts) and \
            sum(self.t in _names_in(part) for part in parts) == 1

    def max_on_path(self, nodes, p):
        total = 0
        for node in nodes:
            if node[0] == "if":
                total += max(self.max_on_path(node[3], p), self.max_on_path(node[4], p))
            else:
                total += sum(1 for arg in _args(node) if arg[0] in ("param", "slice") and arg[1] == p)
        return total

    def check_writes(self, buffer):
        """Each step writes ``buffer`` once, into a slot of its own (``h[:, t, :]``): the gradient of
        a slot is then the gradient of the one value written there."""
        def writes(nodes):
            found, most = [], 0
            for node in nodes:
                if node[0] == "if":
                    a, b = writes(node[3]), writes(node[4])
                    found += a[0] + b[0]
                    most += max(a[1], b[1])
                    continue
                mine = [(node[1], node[3]) for _ in [0] if node[0] in ("write", "stack") and node[2] == buffer]
                mine += [(node[1], t[2]) for t in (node[2] if node[0] == "call" else []) if t[0] == "slot"
                         and t[1] == buffer]
                found += mine
                most += len(mine)
            return found, most
        found, most = writes(self.nodes)
        for stmt, index in found:
            parts = _index_parts(index)
            if most > 1 or parts.count(self.t) != 1 or sum(self.t in _names_in(p) for p in parts) != 1:
                raise self.error(f"each step may write {buffer!r} once, into a slot of its own "
                                 f"({buffer}[:, {self.t}, :] = ...)", stmt)

    def find_collects(self, nodes):
        appended = 0
        for node in nodes:
            if node[0] == "if":
                self.find_collects(node[3])
                self.find_collects(node[4])
            elif node[0] == "collect":
                key = node[2] if node[2] is not None else self.t
                if node[2] is None and self.per_step > 1:  # the j-th of k appends a step: cache[k * t + j]
                    key = f"{self.per_step} * {self.t}" + (f" + {appended}" if appended else "")
                    appended += 1
                if node[3] in self.retrieve:
                    raise self.error(f"{node[3]!r} is collected twice", node[1])
                self.retrieve[node[3]] = f"cache[{key}]"

    def reverse_nodes(self, nodes, adj):
        lines = []
        for node in reversed(nodes):
            kind, stmt = node[0], node[1]
            if kind == "if":
                left, right = _copy(adj), _copy(adj)
                body = self.reverse_nodes(node[3], left)
                orelse = self.reverse_nodes(node[4], right)
                left, right = {k: v for k, v in left.items() if v}, {k: v for k, v in right.items() if v}
                if left != right:
                    raise self.error("the branches of this if use the values of the loop differently: "
                                     "not supported in a layer looping over a step layer", stmt)
                adj.clear()
                adj.update(left)
                lines.append(ir.Block(f"if {node[2]}:", tuple(body) or (ir.Statement("pass"),)))
                if node[4]:
                    lines.append(ir.Block("else:", tuple(orelse) or (ir.Statement("pass"),)))
                continue
            undoes = ir.ForwardLine(self.numbers[id(stmt)], *_split(stmt, self.forward.lines))
            if kind == "collect":
                continue
            if kind in ("write", "stack"):
                adj.setdefault(node[4], []).append(f"{self.buffer_adjoint(node[2])}[{node[3]}]")
                continue
            if kind == "rebind":
                pending = adj.pop(node[2], [])
                sent = self.send(node[3], _sum(pending, self.carried.values()), adj) if pending else []
                if sent:
                    lines.append(ir.Group(undoes, tuple(sent)))
                continue
            lines.append(ir.Group(undoes, tuple(self.reverse_call(node, adj))))
        return lines

    def buffer_adjoint(self, buffer):
        if buffer not in self.adjoint_of_buffer:
            raise self.error(f"{buffer!r} is written in the loop but not returned: only outputs may be "
                             "written into", self.loop)
        return self.adjoint_of_buffer[buffer]

    def send(self, arg, gradient, adj):
        """Lines giving ``gradient`` to the argument ``arg`` (a name's pending list, a parameter, a slot)."""
        if arg[0] == "name":
            adj.setdefault(arg[1], []).append(gradient)
            return []
        if arg[0] == "param":
            return [ir.AdjointLine(self.accumulators[arg[1]], True, gradient)]
        if arg[0] == "slice":
            return [ir.AdjointLine(f"{self.accumulators[arg[1]]}[{arg[2]}]", True, gradient)]
        if arg[0] == "read":
            self.needs_copy.add(arg[1])
            return [ir.AdjointLine(f"{self.buffer_adjoint(arg[1])}[{arg[2]}]", True, gradient)]
        return []

    # ---- code free of sizes, where the shapes are not given -------------------------------------------
    def refuse(self, why, node=None):
        """The loop layer's backward cannot be written free of sizes: the shapes are asked for."""
        error = self.error(_needed(self.generic, why), node or self.func)
        error.shape_free = True  # (whatever the samples: asked for at once)
        return error

    def generic_stacks(self):
        """``{param: (list, axis)}`` for the parameters whose slices the steps take, one per step
        (``x[:, t, :]``): their gradients are the steps' ones stacked along that axis (``np.stack(dxs,
        axis=1)``), where the loop runs over all of it (``N, T, D = x.shape``, ``for t in range(T)``).
        Also checks the rest of the loop: no if, the cache one collection of the steps' caches."""
        if any(node[0] == "if" for node in _all_nodes(self.nodes)):
            raise self.refuse("the loop branches, and the backward then depends on the sizes", self.loop)
        keys = [n[2] if n[0] == "collect" else n[2][-1][1] for n in _all_nodes(self.nodes) if _collects(n)]
        distinct = re.compile(rf"""(['"])[\w ]*%d[\w ]*\1 % {self.t}|f(['"])[\w ]*\{{{self.t}\}}[\w ]*\2""")
        if any(key not in (None, self.t) and not distinct.fullmatch(key) for key in keys):  # (another key may
            # repeat at other counts: t % 7; not "cache%d" % t, f"cache{t}")
            raise self.refuse(f"collect the step caches with {self.cache}.append(...), {self.cache}[{self.t}] = ... "
                              f"or {self.cache}['step%d' % {self.t}] = ...", self.loop)
        count = self.loop.iter.args[-1]
        made = [s for s in self.pre if isinstance(s, ast.Assign) and any(
            isinstance(n, ast.Name) and n.id == self.cache for n in ast.walk(s.targets[0]))]
        if made and isinstance(made[-1].value, ast.BinOp) and \
                ast.dump(made[-1].value.right) != ast.dump(count):  # cache = [None] * T: T steps
            raise self.refuse(f"{self.cache!r} is made of another length than the loop's count", made[-1])
        stacks = {}
        for p, (_, slices) in sorted(self.uses.items()):
            if slices == {None}:
                continue
            index = next(iter(slices))
            parts = _index_parts(index) if len(slices) == 1 else []
            axis = parts.index(self.t) if self.t in parts else None
            if axis is None or not self.once_per_step(p, index) or any(
                    part != ":" for k, part in enumerate(parts) if k != axis) or \
                    self.axis_size(count) != (p, axis):
                raise self.refuse(f"the gradient of {p} is made of the slices the steps take, which must be "
                                  f"{p}[:, {self.t}] (the step's axis, the others whole), the loop running over "
                                  f"all of that axis (N, T, D = {p}.shape, for {self.t} in range(T))", self.loop)
            stacks[p] = (self.fresh(f"d{p}_steps"), axis)
        return stacks

    def axis_size(self, count):
        """``(param, axis)`` where ``count`` is a name the forward sets to that axis's size before the
        loop (``N, T, D = x.shape``, ``T = x.shape[1]``) and nothing sets again; else None."""
        if not isinstance(count, ast.Name):
            return None
        found = []
        for stmt in self.pre:
            target, value = (stmt.targets[0], stmt.value) if isinstance(stmt, ast.Assign) else (None, None)
            names = [target] if isinstance(target, ast.Name) else list(getattr(target, "elts", []))
            for k, name in enumerate(names):
                if not (isinstance(name, ast.Name) and name.id == count.id):
                    continue
                if len(names) > 1 and isinstance(value, ast.Attribute) and value.attr == "shape" and \
                        isinstance(value.value, ast.Name):
                    found.append((value.value.id, k))
                elif len(names) == 1 and isinstance(value, ast.Subscript) and isinstance(value.value, ast.Attribute) \
                        and value.value.attr == "shape" and isinstance(value.value.value, ast.Name) and \
                        isinstance(value.slice, ast.Constant) and type(value.slice.value) is int and value.slice.value >= 0:
                    found.append((value.value.value.id, value.slice.value))
                else:
                    found.append(None)
        return found[0] if len(found) == 1 and count.id not in self.assigned else None

    def held_zeros(self, p):
        """Zeros of ``p``'s shape, read from the first step cache's entry that is ``p``'s very array
        (``np.zeros_like(cache[0][2], dtype=float)``), where the shapes are not given."""
        first = self.first_cache_source() if self.iterations else None
        value = self.param_values.get(p)

        def find(item, expr, depth):
            if item is value:
                return expr
            pairs = enumerate(item) if isinstance(item, (tuple, list)) else item.items() \
                if isinstance(item, dict) else ()
            for key, sub in pairs if depth < 2 else ():
                if isinstance(key, (int, str)):
                    found = find(sub, f"{expr}[{key!r}]", depth + 1)
                    if found:
                        return found
            return None
        held = find(eval(first, {"cache": self.collection}), first, 0) \
            if first is not None and isinstance(value, np.ndarray) else None
        if held is None:
            raise self.refuse(f"the gradient of {p} is zeros of its shape, which the backward reads from the step "
                              f"caches where one holds {p} itself: cache {p} in the step layer")
        return f"np.zeros_like({held}, dtype=float)"

    def checked_carried(self, body):
        """The gradients of the values carried from step to step start as 0.0, where shapes are not given:
        each is only ever added to the gradient of an output's slot (``dout[:, t, :] + dprev_h``)."""
        slots = tuple(self.upstreams) + tuple(self.adjoint_of_buffer.values())
        for item in _walked(body):
            text = getattr(item, "source", "") if not isinstance(item, ir.Block) else ""
            for var in (v for n, v in self.carried.items() if n not in self.outputs):
                if not _named(text, var):
                    continue
                tree = ast.parse(text, mode="eval").body if isinstance(item, (ir.CallLine, ir.AdjointLine)) else None
                args = tree.args if isinstance(tree, ast.Call) and isinstance(item, ir.CallLine) else None
                if args is None or not all(
                        not _named(ast.unparse(a), var) or isinstance(a, ast.BinOp) and isinstance(a.op, ast.Add)
                        and any(isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name) and n.value.id in
                                slots for n in ast.walk(a)) for a in args):
                    raise self.refuse(f"the gradient {var} the steps pass back starts as zeros of a shape the "
                                      "backward does not know here", self.loop)

    def step_shapes(self, helper, name):
        """The shapes of the step layer's parameters it does not declare, as the sample run called it,
        each size named as the layer names it (``x[:, t, :]`` of ``x: (N, T, D)``: ``"N, D"``), or the
        number the layer's shapes give (``x: "2, 3, 4"``: ``"2, 4"``); None where a size is neither, two
        names have it, or nothing is missing."""
        from .program import declared_shapes
        if self.generic:
            return None  # (the step layer's backward written for every shape, as its own are not given)
        params = [a.arg for a in helper.func.args.args]
        declared = declared_shapes(helper)
        missing = [p for p in params if p not in declared]
        args = self.call_args.get(name)
        if not missing or args is None or len(args) != len(params):
            return None
        named = {}
        for dim, size in self.sizes.items():
            named.setdefault(size, []).append(dim)
        declared_sizes = {d for spec in self.specs.values() for d in spec.dims if isinstance(d, int)}
        shapes = {}
        for param, value in zip(params, args):
            if param not in missing:
                continue
            if isinstance(value, float):
                shapes[param] = "float"
                continue
            if not isinstance(value, np.ndarray) or value.dtype.kind not in "fiub":
                return None
            dims = [named.get(size, []) for size in value.shape]
            if not dims or any(len(d) > 1 for d in dims) or any(not d and size not in declared_sizes
                                                                 for d, size in zip(dims, value.shape)):
                return None  # a 0-d array, a size two dimensions are named for, or one the shapes do not give
            kind = "" if value.dtype.kind == "f" else "int " if value.dtype.kind in "iu" else "bool "
            shapes[param] = kind + ", ".join(d[0] if d else str(size) for d, size in zip(dims, value.shape))
        return shapes

    def reverse_call(self, node, adj):
        _, stmt, targets, helper_name, args = node
        if helper_name not in self.programs:
            helper_forward = read_helper(self.forward, helper_name)
            refuse_parameter_writes(helper_forward, stmt, self.error)
            if _step_cache_unnamed(stmt, self.forward, [s for s in self.func.body if not is_docstring(s)]):
                helper_forward = cache_returned(helper_forward)  # return next_h, prev_h: prev_h its cache
            self.programs[helper_name] = self.build(helper_forward, self.step_shapes(helper_forward, helper_name))
        helper = self.programs[helper_name].main
        if helper.cache is None:
            raise self.error(f"{helper_name}() is not a layer returning (out, cache)", stmt)
        outs, cache_target = targets[:-1], targets[-1]
        if len(outs) != len(helper.upstreams):
            raise self.error(f"{helper_name}() returns {len(helper.upstreams)} output(s) before its cache", stmt)
        ups = []
        for target in outs:
            if target[0] == "slot":
                ups.append(f"{self.buffer_adjoint(target[1])}[{target[2]}]")
            else:
                pending = adj.pop(target[1], [])
                if not pending:
                    raise self.error(f"{target[1]!r} is computed here but not used: a step's every output must "
                                     "flow on to the result", stmt)
                ups.append(_sum(pending, self.carried.values()))
        if cache_target[0] == "collect":
            cache = f"cache[{cache_target[1]}]"
        elif cache_target[1] in self.retrieve:
            cache = self.retrieve[cache_target[1]]
        else:
            raise self.error(f"the step cache {cache_target[1]!r} is not collected in {self.cache!r}", stmt)
        helper_params = [a.arg for a in read_helper(self.forward, helper_name).func.args.args]
        if len(args) != len(helper_params):
            raise self.error(f"{helper_name}() takes {len(helper_params)} arguments", stmt)
        grads, after = [], []
        referenced = " + ".join(term for terms in adj.values() for term in terms)
        zero = ir.zero_gradients(helper)  # (dx = 0.0: no array)
        for arg, name in zip(args, helper_params):
            if name not in helper.wrt:
                continue
            if arg[0] == "const":
                grads.append("_")
            elif arg[0] == "slice" and arg[1] in self.stacks and name in zero:  # (0.0 each step: stacked, no array)
                raise self.refuse(f"the output of {helper_name}() does not depend on {name}, so the gradient of "
                                  f"{arg[1]} is zeros of its shape, which the backward, given dout and the cache "
                                  "alone, cannot know free of sizes", stmt)
            elif arg[0] == "slice" and arg[1] in self.stacks:  # (shapes not given: the steps' slices stacked)
                grads.append(f"{self.stacks[arg[1]][0]}[{self.t}]")
            elif arg[0] == "slice" and self.once_per_step(arg[1], arg[2]):
                grads.append(f"{self.accumulators[arg[1]]}[{arg[2]}]")
            elif arg[0] == "name" and arg[1] in self.carried and not adj.get(arg[1]) \
                    and not _mentions(referenced, self.carried[arg[1]]):
                grads.append(self.carried[arg[1]])
                adj[arg[1]] = [self.carried[arg[1]]]
            else:
                base = arg[1] if arg[0] == "name" else name if arg[0] == "read" else f"{arg[1]}_{self.t}"
                var = self.fresh("d" + base)
                grads.append(var)
                after += self.send(arg, var, adj)
        call = ir.CallLine(tuple(grads) if grads else ("_",), f"{helper.name}({', '.join(ups)}, {cache})")
        return [call] + after

    # ---- shapes in the backward -----------------------------------------------------------------
    def sources(self):
        found = [(up, np.shape(v)) for up, v in zip(self.upstreams, self.output_values)]
        first = self.first_cache_source()

        def walk(value, expr, depth):
            if isinstance(value, np.ndarray):
                found.append((expr, value.shape))
            elif isinstance(value, (tuple, list)) and depth < 2:
                for k, item in enumerate(value):
                    walk(item, f"{expr}[{k}]", depth + 1)
            elif isinstance(value, dict) and depth < 2:
                for key, item in value.items():
                    if isinstance(key, (str, int)):
                        walk(item, f"{expr}[{key!r}]", depth + 1)
        if first is not None and self.iterations:
            walk(eval(first, {"cache": self.collection}), first, 0)
        return found

    def first_cache_source(self):
        """The first step cache collected, at step 0 (``cache[0]``, ``cache["cache0"]``)."""
        exprs = [self.retrieve[n[3]] if n[0] == "collect" else f"cache[{n[2][-1][1]}]"
                 for n in _all_nodes(self.nodes) if _collects(n)]
        if not exprs:
            return None
        tree = ast.parse(exprs[0], mode="eval")
        for sub in ast.walk(tree):
            if isinstance(sub, ast.Name) and sub.id == self.t:
                sub.__class__, sub.value = ast.Constant, 0
                del sub.id, sub.ctx
        key = tree.body.slice
        if not any(isinstance(n, ast.Name) for n in ast.walk(key)):  # cache["cache%d" % 0]: cache["cache0"]
            tree.body.slice = ast.Constant(eval(compile(ast.Expression(key), "<key>", "eval"), {}))
        return ast.unparse(tree)

    def count_source(self):
        if self.generic:
            return "len(cache)" + (f" // {self.per_step}" if self.per_step > 1 else "")
        if (self.iterations in self.dims.names or self.iterations in self.dims.labels) and \
                self.dims.findable(self.iterations):
            return self.dims.size(self.iterations)
        return "len(cache)" + (f" // {self.per_step}" if self.per_step > 1 else "")


def _named(text, name):
    """Whether the code ``text`` names ``name``."""
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(ast.parse(text)))


def _walked(items):
    for item in items:
        yield item
        yield from _walked(getattr(item, "body", ()) or getattr(item, "lines", ()))


def _user_functions(forward):
    """The file's functions as the user wrote them (step layers run on sample arrays), with the
    modules, number constants and lists of numbers they read; decorators are left out."""
    modules = {"numpy": np, "math": math}
    namespace = {name: modules[meaning] for name, meaning in forward.env.items() if meaning in modules}
    namespace.setdefault("np", np)
    for name, text in forward.constants.items():
        try:
            namespace[name] = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            pass
    for name, node in forward.literals.items():  # B = [1 / 6, 1 / 3]: lists of numbers
        try:
            namespace[name] = eval(compile(ast.Expression(node), "<literal>", "eval"), {"__builtins__": {}})
        except Exception:  # noqa: BLE001 - 1 / 0 written in the module: left out
            pass
    for name, value in forward.helpers.items():
        if isinstance(value, Nested):  # (a step written inline, made a function: ``step_bodies``)
            exec(compile(ast.Module([tree_copy(value.func)], []), value.filename, "exec"), namespace)
            continue
        if not isinstance(value, tuple):
            namespace[name] = value
            continue
        text, filename = value
        for node in ast.parse(text, filename).body:
            if isinstance(node, ast.FunctionDef) and node.name not in namespace:
                node.decorator_list = []
                try:
                    with warnings.catch_warnings():  # `if t is 0:` as students write it
                        warnings.simplefilter("ignore", SyntaxWarning)
                        exec(compile(ast.Module([node], []), filename, "exec"), namespace)
                except Exception:
                    continue  # a default it cannot compute here: not a step layer it runs
    return namespace


def _is_shape(value, params):
    if isinstance(value, ast.Attribute) and value.attr == "shape" and _name(value.value) in params:
        return True
    return isinstance(value, ast.Subscript) and _is_shape(value.value, params) \
        and isinstance(value.slice, ast.Constant)


def _dotted(node):
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else None
    return node.id if isinstance(node, ast.Name) else None


def _name(node):
    return node.id if isinstance(node, ast.Name) else None


def _test_source(node):
    """The test as the backward writes it: ``t is 0`` compares values (``t == 0``)."""
    class Is(ast.NodeTransformer):
        def visit_Compare(self, compare):
            compare.ops = [ast.Eq() if isinstance(op, ast.Is) else ast.NotEq() if isinstance(op, ast.IsNot)
                           else op for op in compare.ops]
            return compare
    return ast.unparse(Is().visit(tree_copy(node)))


def _args(node):
    if node[0] == "call":
        return node[4]
    if node[0] == "rebind":
        return [node[3]]
    return []


def _reads(node):
    found = {a[1] for a in _args(node) if a[0] == "name"}
    if node[0] in ("write", "collect", "stack"):
        found.add(node[-1])
    return found


def _sets(node):
    if node[0] == "call":
        return {t[1] for t in node[2] if t[0] == "name"}
    if node[0] == "rebind":
        return {node[2]}
    return set()


def _collects(node):
    return node[0] == "collect" or node[0] == "call" and node[2][-1][0] == "collect"


def _all_nodes(nodes):
    for node in nodes:
        yield node
        if node[0] == "if":
            yield from _all_nodes(node[3])
            yield from _all_nodes(node[4])


def _index_parts(index):
    tree = ast.parse(f"_[{index}]", mode="eval").body.slice
    parts = tree.elts if isinstance(tree, ast.Tuple) else [tree]
    return [ast.unparse(p) for p in parts]


def _names_in(part):
    """The names one part of an index reads (``t - 1``; none for ``:``)."""
    tree = ast.parse(f"_[{part}]", mode="eval").body.slice
    return names_of(tree)


def _sum(terms, carried):
    carried = set(carried)
    ordered = [t for t in terms if t not in carried] + [t for t in terms if t in carried]
    return " + ".join(ordered)


def _copy(adj):
    return {k: list(v) for k, v in adj.items()}


def _mentions(text, name):
    return any(isinstance(n, ast.Name) and n.id == name
               for part in text.split(" + ") if part.strip()
               for n in ast.walk(ast.parse(part.strip(), mode="eval")))


def _rename(items, old, new):
    def fix(text):
        return source.renamed(text, {old: new})
    out = []
    for item in items:
        if isinstance(item, ir.Block):
            item = ir.Block(item.header, tuple(_rename(item.body, old, new)))
        elif isinstance(item, ir.Group):
            item = ir.Group(item.undoes, tuple(_rename(item.lines, old, new)))
        elif isinstance(item, ir.AdjointLine):
            item = ir.AdjointLine(fix(item.target), item.accumulate, fix(item.source))
        elif isinstance(item, ir.CallLine):
            item = ir.CallLine(item.targets, fix(item.source))
        out.append(item)
    return out


def _as_if(stmt):
    """``name = a if test else b`` as ``if test: name = a`` / ``else: name = b``, at its line."""
    value = stmt.value

    def assign(part):
        return ast.copy_location(ast.Assign([stmt.targets[0]], part), stmt)
    return ast.fix_missing_locations(ast.copy_location(ast.If(value.test, [assign(value.body)],
                                                              [assign(value.orelse)]), stmt))


def _split(stmt, lines):
    """``(target, value)`` of a statement as the user wrote it (before ``h[:, t, :], c = ...`` was
    taken apart)."""
    if stmt.lineno == getattr(stmt, "end_lineno", None) and 0 < stmt.lineno <= len(lines):
        try:
            written = ast.parse(lines[stmt.lineno - 1].strip()).body
        except SyntaxError:
            written = []
        if len(written) == 1 and isinstance(written[0], ast.Assign) and ast.dump(written[0].value) == \
                ast.dump(stmt.value if isinstance(stmt, ast.Assign) else ast.Constant(None)):
            stmt = written[0]
    if isinstance(stmt, ast.Assign):
        target = stmt.targets[0]
        parts = target.elts if isinstance(target, ast.Tuple) else [target]
        return ", ".join(ast.unparse(p) for p in parts), ast.unparse(stmt.value)
    return "", ast.unparse(stmt)


def _index(node):
    """An index as written between the brackets (``:, t, :``)."""
    return ast.unparse(ast.Subscript(ast.Name("_", ast.Load()), node, ast.Load()))[2:-1]
