"""Layers built from layers: ``affine_relu_forward`` gets ``affine_relu_backward(dout, cache)``.

Contract: ``sandwich(forward, build, shapes=None) -> ir.Program or None``.  A forward in
CS231n's convention whose body only calls other layers of the file
(``a, fc_cache = affine_forward(x, w, b)``), collects their caches
(``cache = (fc_cache, relu_cache)``) and returns ``out, cache`` gets the
backward a person writes: it unpacks the cache and calls the layers'
generated backwards in reverse order, adding the gradients of a value used
twice (``+=``).  A layer returning its cache unnamed (``return out, x``), whose last value the
sandwich reads nowhere but in its own cache, is built as one naming it (``cache.cache_returned``).
``build(helper_forward[, shapes])`` returns the ``ir.Program`` of a
called layer (its backward in the same convention); where the sandwich's own
shapes are known (declared, or ``shapes``), a layer declaring none for some of
its parameters, or declaring others than it is called with (the batch norm a layer norm calls on
transposes), is built for those it is called with on sample arrays (the
same at every call of it, or none; a layer called with others than it declares at one call and
others again at another is refused).  Between the layers, reshapes and transposes of a value
(``x.transpose(0, 2, 3, 1).reshape(-1, C)``, ``np.moveaxis(x, 1, -1)``) are undone link by link, and a
parameter the layers called take only undifferentiated (``word_embedding_forward``'s indices) gets
no gradient.  A residual connection between them, the sum or difference of two names of one shape at the
sample arrays (``s = x + f``), hands its gradient to both (``dx = ds``, ``df = ds``); where shapes are
not declared, or the two differ (one broadcast), the forward is no sandwich.  None when the forward is not such a sandwich (it is then staged as any other function).
"""

import ast
import dataclasses

from . import ir
from .cache import Layout, backward_name, cache_returned, output_roles
from .errors import BackgenError
from .layer_dims import refuse_numbered
from .loop_layers import loop_layer, refuse_parameter_writes
from .parse import is_docstring, read_helper
from .source import tree_copy


def sandwich(forward, build, shapes=None):
    looped = loop_layer(forward, build, shapes)  # rnn_forward: a step layer called in a loop
    if looped is not None:
        return looped
    func = forward.func
    body = [s for s in func.body if not is_docstring(s)]
    if len(body) < 2 or not isinstance(body[-1], ast.Return) or not isinstance(body[-1].value, ast.Tuple):
        return None
    returned = body[-1].value.elts
    roles = output_roles(func, returned)
    if roles[-1] != "cache" or "gradient" in roles:
        return None
    cache_name = returned[-1].id
    body, returned = _without_aliases(_pairs_split(body), cache_name, {a.arg for a in func.args.args})
    body = _chains_named(body, forward)
    calls, layout, shaping, scaling = [], None, [], []
    settings = set(forward.settings)  # (and the names the sandwich binds to settings, as it binds them)
    for stmt in body[:-1]:
        if _is_layer_call(stmt, forward):
            calls.append(stmt)
        elif _is_setting(stmt, settings, forward):
            settings.add(stmt.targets[0].id)  # eps = ln_param.get("eps", 1e-5); bn_param = {"mode": "train"}
        elif isinstance(stmt, ast.Assign) and _names(stmt.targets[0]) == [cache_name] and layout is None \
                and isinstance(stmt.value, (ast.Tuple, ast.List)) and all(isinstance(e, ast.Name)
                                                                          for e in stmt.value.elts):
            layout = Layout("tuple", tuple(e.id for e in stmt.value.elts), (), stmt.lineno)
        elif _is_shape_read(stmt, forward) or _shape_chain(stmt, _numpy_names(forward)) is not None:
            shaping.append(stmt)  # N, C, H, W = x.shape; x_flat = x.transpose(0, 2, 3, 1).reshape(-1, C)
        elif _scaling(stmt) is not None:
            scaling.append(stmt)  # a = a * 2.0: its gradient scaled, from no value of the forward
        elif _residual(stmt) is not None:
            scaling.append(stmt)  # out = x + f: a residual connection, its gradient handed to both
        else:
            return None
    if not calls:
        return None
    if layout is None and any(_names(stmt.targets[0])[-1] == cache_name for stmt in calls):
        layout = Layout("single", (cache_name,), (), body[-1].lineno)  # the layer's own cache, handed on
    if layout is None:
        return None
    programs, call_caches = {}, {}
    callee_shapes = _callee_shapes(forward, body, calls, shapes)
    for stmt in calls:
        callee = stmt.value.func.id
        if callee not in programs:
            refuse_parameter_writes(read_helper(forward, callee), stmt, forward.error)
            given = callee_shapes.get(callee)
            programs[callee] = _for_caller(build(read_helper(forward, callee), given), func.name,
                                           lambda: build(read_helper(forward, callee))) if given else \
                build(read_helper(forward, callee))
        named = cache_returned(read_helper(forward, callee)) if programs[callee].main.cache is None and \
            _cached_only(_names(stmt.targets[0])[-1], body, layout) else None
        if named is not None:  # return out, x, whose x the caller only caches (out, relu_cache = relu_forward(a)):
            given = callee_shapes.get(callee)  # the layer's cache, named so
            programs[callee] = _for_caller(build(named, given), func.name, lambda: build(named)) if given else \
                build(named)
        if programs[callee].main.cache is None or len(programs[callee].main.upstreams) != len(_names(stmt.targets[0])) - 1:
            return None  # a helper returning no cache of its own (return out, x): its backward takes no cache
        call_caches[_names(stmt.targets[0])[-1]] = stmt
    if set(layout.names) != set(call_caches):
        return None  # the cache holds something other than the layers' caches
    items = [stmt for stmt in body[:-1] if stmt in calls or stmt in shaping or stmt in scaling]
    outputs = [e.id for e in returned[:-1]]
    sampled = []

    def sample_dims():  # run once, where a line the backward undoes needs shapes (x = x.reshape(3, 4), of which
        if not sampled:  # no layer reads the result, needs none)
            sampled.append(_sample_dims(forward, body, outputs, shapes))
        return sampled[0]
    residuals = [stmt for stmt in scaling if _scaling(stmt) is None]
    if residuals:  # out = x + f: the gradient handed to both as it is, where the two have the result's shape
        try:
            dims = sample_dims()
        except BackgenError:
            return None  # (no shapes declared: staged as any other function)
        if any(len({dims.value_shapes.get(id(stmt), {}).get(n) for n in _names_of_residual(stmt)}) != 1 or
               None in dims.value_shapes.get(id(stmt), {None: None}).values() for stmt in residuals):
            return None  # (an operand broadcast, or not an array)
    return _compose(forward, items, layout, programs, outputs, sample_dims)


def _for_caller(program, caller, own):
    """``program``, a layer's built for the shapes ``caller`` gives it (its own declaring none), its backward
    named for that caller (``batchnorm_backward_for_layernorm``) where it differs from the layer's own
    (``own()``, written for arrays of every shape, or for those it declares), which may be in the same
    module; as it is where the two are one, or the layer has no backward of its own."""
    from .emit import function_source
    try:
        if function_source(own().main) == function_source(program.main):
            return program
    except BackgenError:
        return program
    name = f"{program.main.name}_for_{caller.removesuffix('_forward')}"
    return dataclasses.replace(program, main=dataclasses.replace(program.main, name=name))


def _is_setting(stmt, settings, forward):
    """Whether ``stmt`` binds a name to settings, which carry no gradient and which the backward, given the
    cache, does not read: a dict of settings written out (``bn_param = {"mode": "train", "eps": eps}``,
    as ``parse`` marks it), or a value read from ``settings`` alone (``eps = ln_param.get("eps", 1e-5)``)."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return False
    if getattr(stmt.value, "settings_display", False):
        return True
    numpy = _numpy_names(forward)
    read = [n.id for n in ast.walk(stmt.value) if isinstance(n, ast.Name)]
    return bool(read) and all(name in settings or name in numpy for name in read) and any(
        name in settings for name in read)


def _chains_named(body, forward):
    """``body`` with each argument of a layer call that is a reshape or transpose of a name
    (``batchnorm_forward(x.T, gamma.reshape(-1, 1), beta.reshape(-1, 1), bn_param)``, CS231n's layer
    norm through batch norm) bound to a name of its own just before the call (``xT = x.T``): a line
    of the sandwich the backward undoes, as it undoes one the user writes so."""
    numpy = _numpy_names(forward)
    taken = {n.id for stmt in body for n in ast.walk(stmt) if isinstance(n, ast.Name)} | {
        a.arg for a in forward.func.args.args}
    written = []
    for stmt in body:
        if not (isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call)
                and isinstance(stmt.value.func, ast.Name) and stmt.value.func.id in forward.helpers):
            written.append(stmt)
            continue
        call, named = tree_copy(stmt.value), []
        places = [(call.args, k) for k in range(len(call.args))] + [(call.keywords, k) for k in range(len(call.keywords))]
        for holder, k in places:
            arg = holder[k] if holder is call.args else holder[k].value
            chain = _shape_chain(ast.Assign([ast.Name("_", ast.Store())], arg), numpy)
            if chain is None:
                continue
            base, links = chain[1], chain[2]
            name = base + ("T" if all(kind in ("T", "transpose") for kind, _ in links) else "_r")
            while name in taken:
                name += "_"
            taken.add(name)
            named.append(ast.fix_missing_locations(ast.copy_location(
                ast.Assign([ast.Name(name, ast.Store())], arg), stmt)))
            value = ast.copy_location(ast.Name(name, ast.Load()), arg)
            if holder is call.args:
                holder[k] = value
            else:
                holder[k].value = value
        candidate = ast.copy_location(ast.Assign(stmt.targets, call), stmt)
        if named and _is_layer_call(candidate, forward):
            written += named + [candidate]
        else:
            written.append(stmt)
    return written


def _cached_only(name, body, layout):
    """Whether ``name`` is set once and read nowhere in ``body`` but where the cache ``layout`` is built
    (``cache = (fc_cache, relu_cache)``, or the return handing it on as the cache): a value the sandwich
    only hands on in its cache, which carries no gradient."""
    reads = [n for stmt in body for n in ast.walk(stmt) if isinstance(n, ast.Name) and n.id == name]
    stores = [n for n in reads if not isinstance(n.ctx, ast.Load)]
    loads = [n for n in reads if isinstance(n.ctx, ast.Load)]
    return layout is not None and len(stores) == 1 and list(layout.names).count(name) == 1 and len(loads) == 1


def _pairs_split(body):
    """``body`` with each assignment of a tuple of values to as many names (``[gamma, beta] =
    (np.atleast_2d(gamma), np.atleast_2d(beta))``, as ``broadcasts`` writes NumPy's call of two arrays) written
    as one assignment per name, in order, where no value reads a name an assignment before it binds."""
    written = []
    for stmt in body:
        targets = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else None
        if not (isinstance(targets, (ast.Tuple, ast.List)) and isinstance(stmt.value, (ast.Tuple, ast.List))
                and len(targets.elts) == len(stmt.value.elts) > 1
                and all(isinstance(t, ast.Name) for t in targets.elts)):
            written.append(stmt)
            continue
        names = [t.id for t in targets.elts]
        if len(set(names)) < len(names) or any(
                isinstance(n, ast.Name) and n.id in names[:k]
                for k, value in enumerate(stmt.value.elts) for n in ast.walk(value)):
            written.append(stmt)
            continue
        written.extend(ast.copy_location(ast.Assign([ast.Name(name, ast.Store())], value), stmt)
                       for name, value in zip(names, stmt.value.elts))
    return written


def _without_aliases(body, cache_name, params):
    """``(body, returned)`` with each name bound once to another (``out = a4``) read as that other
    name, the binding left out, where neither is a parameter or the cache and the other is not bound
    again after it; the body as it is otherwise."""
    stored = {}
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                stored[node.id] = stored.get(node.id, 0) + 1
    aliases, kept = {}, []
    for position, stmt in enumerate(body[:-1]):
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                and isinstance(stmt.value, ast.Name):
            target, value = stmt.targets[0].id, aliases.get(stmt.value.id, stmt.value.id)
            later = [n.id for s in body[position + 1:] for n in ast.walk(s)
                     if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)]
            if stored.get(target) == 1 and value not in later and not {target, value} & (params | {cache_name}):
                aliases[target] = value
                continue
        kept.append(stmt)
    if not aliases:
        return body, body[-1].value.elts

    class Substitute(ast.NodeTransformer):
        def visit_Name(self, node):
            if isinstance(node.ctx, ast.Load) and node.id in aliases:
                return ast.copy_location(ast.Name(aliases[node.id], ast.Load()), node)
            return node
    body = [Substitute().visit(tree_copy(stmt)) for stmt in kept + [body[-1]]]
    return body, body[-1].value.elts


def _is_layer_call(stmt, forward):
    if not (isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Name) and stmt.value.func.id in forward.helpers
            and isinstance(stmt.targets[0], ast.Tuple) and len(stmt.targets[0].elts) >= 2
            and all(isinstance(e, ast.Name) for e in stmt.targets[0].elts)
            and all(k.arg is not None for k in stmt.value.keywords)):
        return False
    return all(isinstance(a, (ast.Name, ast.Constant)) for a in stmt.value.args + [k.value for k in stmt.value.keywords])


def _names(target):
    """The names an assignment binds; none for a write into an array (``v[1] = ...``)."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)) and all(isinstance(e, ast.Name) for e in target.elts):
        return [e.id for e in target.elts]
    return []


def _compose(forward, items, layout, programs, outputs, sample_dims):
    func = forward.func
    params = [a.arg for a in func.args.args]
    upstreams = tuple("d" + name for name in outputs) if len(outputs) > 1 else ("dout",)
    adjoint = dict(zip(outputs, upstreams))  # value -> its gradient's name, once it has one
    views = set(upstreams)  # gradients that are views of another array: added to, never in place
    groups, dims = [], None  # dims: where the backward finds each dimension, once a line needs one
    undifferentiated = set()  # (ids of) the arguments the layers called take undifferentiated (indices)
    for number, stmt in reversed(list(enumerate(items, 1))):
        if _is_shape_read(stmt, forward):
            continue
        if _scaling(stmt) is not None:
            _undo_scaling(stmt, number, adjoint, views, groups)
            continue
        if _residual(stmt) is not None:
            _undo_residual(stmt, number, adjoint, views, groups)
            continue
        if not _is_layer_call(stmt, forward):  # y = x.transpose(...).reshape(...): undone link by link
            target, base, links = _shape_chain(stmt, _numpy_names(forward))
            if target not in adjoint:
                continue
            gradient = adjoint.pop(target)  # (an earlier line's value of that name is another: x = x.reshape(...))
            dims = sample_dims()
            for link, shape in zip(reversed(links), reversed(dims.link_shapes[id(stmt)])):
                gradient += _undo(link, shape, dims)
            line = ir.ForwardLine(number, target, ast.unparse(stmt.value))
            if base in adjoint:
                groups.append(ir.Group(line, (ir.AdjointLine(adjoint[base], False, f"{adjoint[base]} + {gradient}"),)))
                views.discard(adjoint[base])
            else:
                adjoint[base] = "d" + base
                views.add(adjoint[base])
                groups.append(ir.Group(line, (ir.AdjointLine(adjoint[base], False, gradient),)))
            continue
        callee = stmt.value.func.id
        helper = programs[callee].main
        names = _names(stmt.targets[0])
        outs, cache = names[:-1], names[-1]
        douts = []
        for out in outs:
            if out not in adjoint:
                raise forward.error(f"{out!r} is computed here but not used: a layer's every output must "
                                    "flow on to the result", stmt)
            douts.append(adjoint[out])
        for out in outs:  # a name the call binds anew (out, c = relu_forward(out)): before it, another value
            del adjoint[out]
        grads = []
        lines = []
        callee_params = [a.arg for a in read_helper(forward, callee).func.args.args]
        given = {**dict(zip(callee_params, stmt.value.args)), **{k.arg: k.value for k in stmt.value.keywords}}
        for name in callee_params:  # (by place or by keyword; one left to its default, alpha=0.1, gets _)
            if name not in helper.wrt:
                undifferentiated.add(id(given.get(name)))  # (word_embedding_forward's x: indices)
                continue
            arg = given.get(name)
            if isinstance(arg, ast.Name) and (arg.id in params and arg.id in _float_params(forward)
                                              or arg.id not in params):
                target = "d" + arg.id
                if arg.id in adjoint and adjoint[arg.id] in views:  # used twice, first as a view: a new sum
                    grads.append(target + "_" + callee)
                    lines.append(ir.AdjointLine(target, False, f"{target} + {target}_{callee}"))
                    views.discard(target)
                elif arg.id in adjoint:  # used twice: add
                    grads.append(target + "_" + callee)
                    lines.append(ir.AdjointLine(target, True, target + "_" + callee))
                else:
                    grads.append(target)
                    adjoint[arg.id] = target
            else:
                grads.append("_")
        call = ir.CallLine(tuple(grads), f"{helper.name}({', '.join(douts)}, {cache})")
        groups.append(ir.Group(ir.ForwardLine(number, ", ".join(names), ast.unparse(stmt.value)), (call, *lines)))
    wrt = tuple(p for p in params if p in _float_params(forward) and not _labels_only(p, items, forward,
                                                                                      undifferentiated))
    missing = [p for p in wrt if p not in adjoint]
    zeros = []
    if missing:  # zeros of its declared shape, each dimension read from dout or the cache (np.zeros((M,)))
        try:
            dims = sample_dims()
            zeros = [ir.AdjointLine("d" + p, False, f"np.zeros({dims.runtime.shape(dims.param_shapes[p])})")
                     for p in missing] if all(p in dims.param_shapes for p in missing) else None
        except BackgenError:
            zeros = None  # (shapes not declared, or given as numbers no dimension names)
        if zeros is None:
            raise forward.error(f"{missing[0]!r} reaches none of the layers: its gradient is zeros of its shape, "
                                "which the backward, given dout and the cache alone, cannot know: leave it out, "
                                "use it, or declare the shapes by their dimensions' names (the decorator, given the "
                                "arrays, returns the zeros)")
    if dims is not None:
        groups = list(dims.runtime.bindings) + zeros + groups
    main = ir.Backward(backward_name(func.name), func.name, (), (), upstreams, wrt, (), tuple(groups), (),
                       tuple("d" + p for p in wrt), {"np": "np", "math": "math"}, "numpy", cache=layout)
    helpers = []
    for program in programs.values():
        helpers += list(program.helper_backwards) + [program.main]
    forwards = [f for program in programs.values() for f in program.helper_forwards]
    return ir.Program(main, tuple(forwards), tuple({b.name: b for b in helpers}.values()))


def _labels_only(param, items, forward, undifferentiated):
    """Whether ``param`` is read, besides for its shape (``N, T = x.shape``), only as arguments the
    layers called take undifferentiated (the indices of ``word_embedding_forward(x, W)``): a parameter
    of no gradient, as it is theirs."""
    reads = [node for stmt in items if not _is_shape_read(stmt, forward) for node in ast.walk(stmt)
             if isinstance(node, ast.Name) and node.id == param and isinstance(node.ctx, ast.Load)]
    return bool(reads) and all(id(node) in undifferentiated for node in reads)


def _float_params(forward):
    """Parameters that carry a gradient: not settings dicts (``bn_param``), not integers."""
    config = forward.settings  # (the stager's own rule)
    return [a.arg for a in forward.func.args.args if a.arg not in config]


def _is_shape_read(stmt, forward):
    """``N, C, H, W = x.shape`` or ``C = x.shape[1]``: numbers the backward does not need."""
    from .loop_layers import _is_shape
    params = [a.arg for a in forward.func.args.args]
    return isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and all(
        isinstance(n, ast.Name) for n in ([stmt.targets[0]] if isinstance(stmt.targets[0], ast.Name)
                                          else getattr(stmt.targets[0], "elts", [None]))) \
        and _is_shape(stmt.value, params)


def _scaling(stmt):
    """``(target, base, template)`` of ``y = x * 2.0`` (a name times, over, plus or minus a number, or
    negated), ``template`` writing the gradient of ``x`` from that of ``y`` (``"{} * 2.0"``); None for
    any other statement."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return None
    value, target = stmt.value, stmt.targets[0].id

    def number(node):
        return isinstance(node, ast.Constant) and type(node.value) in (int, float)
    if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.USub) and isinstance(value.operand, ast.Name):
        return target, value.operand.id, "-{}"
    if not isinstance(value, ast.BinOp):
        return None
    left, right, op = value.left, value.right, value.op
    if isinstance(left, ast.Name) and number(right):
        base, factor = left.id, ast.unparse(right)
        templates = {ast.Mult: "{} * " + factor, ast.Div: "{} / " + factor, ast.Add: "{}", ast.Sub: "{}"}
    elif number(left) and isinstance(right, ast.Name):
        base, factor = right.id, ast.unparse(left)
        templates = {ast.Mult: factor + " * {}", ast.Add: "{}", ast.Sub: "-{}"}
    else:
        return None
    template = templates.get(type(op))
    return None if template is None else (target, base, template)


def _undo_scaling(stmt, number, adjoint, views, groups):
    """The gradient lines of ``y = x * 2.0`` (``_scaling``): ``dx = dy * 2.0``, added to ``dx`` where
    ``x`` has a gradient already; nothing where ``y`` reaches no output."""
    target, base, template = _scaling(stmt)
    if target not in adjoint:
        return
    gradient = adjoint.pop(target)  # (the value of the name before this line is another)
    scaled = template.format(gradient)
    line = ir.ForwardLine(number, target, ast.unparse(stmt.value))
    if base in adjoint:
        term = f"{adjoint[base]} - {gradient}" if template == "-{}" else f"{adjoint[base]} + {scaled}"
        groups.append(ir.Group(line, (ir.AdjointLine(adjoint[base], False, term),)))
        views.discard(adjoint[base])
    else:
        adjoint[base] = "d" + base
        if scaled == gradient:  # y = x + 1.0: the same array, one to add to as a view
            views.add(adjoint[base])
        else:
            views.discard(adjoint[base])
        if scaled != adjoint[base]:
            groups.append(ir.Group(line, (ir.AdjointLine(adjoint[base], False, scaled),)))


def _residual(stmt):
    """``(target, [(operand, sign), ...])`` of ``y = a + b`` or ``y = a - b`` (two names, not the same: a
    residual connection, ``out = x + f``); None for any other statement."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return None
    value = stmt.value
    if not (isinstance(value, ast.BinOp) and isinstance(value.op, (ast.Add, ast.Sub)) and
            isinstance(value.left, ast.Name) and isinstance(value.right, ast.Name) and value.left.id != value.right.id):
        return None
    return stmt.targets[0].id, [(value.left.id, 1), (value.right.id, 1 if isinstance(value.op, ast.Add) else -1)]


def _names_of_residual(stmt):
    """The names ``y = a + b`` reads and binds: ``y``, ``a``, ``b``."""
    target, operands = _residual(stmt)
    return [target] + [name for name, _ in operands]


def _undo_residual(stmt, number, adjoint, views, groups):
    """The gradient lines of ``y = a + b`` (``_residual``; the three of one shape): ``da = dy`` and ``db = dy``
    (``-dy`` for ``a - b``), added to a gradient a name has already; nothing where ``y`` reaches no output."""
    target, operands = _residual(stmt)
    if target not in adjoint:
        return
    gradient = adjoint.pop(target)  # (the value of the name before this line is another)
    line, lines = ir.ForwardLine(number, target, ast.unparse(stmt.value)), []
    for name, sign in operands:
        if name in adjoint:
            lines.append(ir.AdjointLine(adjoint[name], False,
                                        f"{adjoint[name]} {'+' if sign > 0 else '-'} {gradient}"))
            views.discard(adjoint[name])
        else:
            adjoint[name] = "d" + name
            if sign > 0:  # (the same array: one to add to as a view)
                views.add(adjoint[name])
            else:
                views.discard(adjoint[name])
            if sign < 0 or adjoint[name] != gradient:
                lines.append(ir.AdjointLine(adjoint[name], False, gradient if sign > 0 else f"-{gradient}"))
    groups.append(ir.Group(line, tuple(lines)))


def _shape_chain(stmt, numpy=("np", "numpy")):
    """``(target, base, links)`` of ``y = x.transpose(0, 2, 3, 1).reshape(-1, C)`` (reshapes and
    transposes of a name, nothing else; NumPy's functions too, ``np.moveaxis(x, 1, -1)``,
    ``np.transpose(x, (0, 2, 3, 1))``, read as the methods they stand for: ``numpy``, the names NumPy
    has in the file); None for any other statement."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return None
    links, node = [], stmt.value
    while not isinstance(node, ast.Name):
        node = _as_method(node, numpy)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "moveaxis":
            if node.keywords or len(node.args) != 2 or not all(_small_int(a) for a in node.args):
                return None
            links.append(("moveaxis", node))
            node = node.func.value
        elif isinstance(node, ast.Attribute) and node.attr == "T":
            links.append(("T", node))
            node = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.keywords \
                and node.func.attr in ("reshape", "transpose", "swapaxes") \
                and not any(isinstance(a, ast.Starred) for a in node.args):
            if node.func.attr != "reshape" and not all(isinstance(a, ast.Constant) and isinstance(a.value, int)
                                                       or isinstance(a, ast.Tuple) and all(
                                                           isinstance(e, ast.Constant) for e in a.elts)
                                                       for a in node.args):
                return None
            links.append((node.func.attr, node))
            node = node.func.value
        else:
            return None
    if not links:
        return None
    return stmt.targets[0].id, node.id, links[::-1]


def _numpy_names(forward):
    """The names the file gives NumPy (``np``)."""
    return tuple(name for name, module in forward.env.items() if module == "numpy")


def _as_method(node, numpy):
    """``np.transpose(x, axes)``, ``np.reshape(x, shape)``, ``np.swapaxes(x, i, j)``, ``np.moveaxis(x, i,
    j)`` as the method call on ``x`` (``x.moveaxis(i, j)`` standing for the function), ``np.atleast_2d(x)``
    (``atleast_1d``, ``atleast_3d``) as the reshape it is (``x.reshape()``, undone by the shape of ``x``);
    any other node as it is."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) \
            and node.func.value.id in numpy and node.func.attr in ("atleast_1d", "atleast_2d", "atleast_3d") \
            and len(node.args) == 1 and not isinstance(node.args[0], ast.Starred) and not node.keywords:
        method = ast.Attribute(node.args[0], "reshape", ast.Load())
        return ast.copy_location(ast.Call(ast.copy_location(method, node), [], []), node)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) \
            and node.func.value.id in numpy and node.func.attr in ("transpose", "reshape", "swapaxes", "moveaxis") \
            and node.args and not isinstance(node.args[0], ast.Starred) and not node.keywords:
        method = ast.Attribute(node.args[0], node.func.attr, ast.Load())
        return ast.copy_location(ast.Call(ast.copy_location(method, node), node.args[1:], []), node)
    return node


def _small_int(node):
    """Whether ``node`` is an int written out (``1``, ``-1``)."""
    try:
        return type(ast.literal_eval(node)) is int
    except ValueError:
        return False


def _undo(link, shape, dims):
    """The adjoint of one link, applied to the gradient of its result: ``.reshape(N, H, W, C)``."""
    kind, node = link
    if kind == "T":
        return ".T"
    if kind == "moveaxis":  # the transpose it stands for, undone
        rank = len(shape)
        source, destination = (ast.literal_eval(a) % rank for a in node.args)
        order = [k for k in range(rank) if k != source]
        order.insert(destination, source)
        return f".transpose({', '.join(str(order.index(k)) for k in range(rank))})"
    if kind == "reshape":
        return f".reshape{dims.runtime.shape(shape)}"
    axes = [a.value for a in node.args] if not (len(node.args) == 1 and isinstance(node.args[0], ast.Tuple)) \
        else [e.value for e in node.args[0].elts]
    if kind == "swapaxes":
        return f".swapaxes({axes[0]}, {axes[1]})"
    if not axes:
        return ".transpose()"
    inverse = [axes.index(k) for k in range(len(axes))]
    return f".transpose({', '.join(map(str, inverse))})"


class _Dims:
    def __init__(self, runtime, link_shapes, param_shapes=None, value_shapes=None):
        self.runtime, self.link_shapes, self.param_shapes = runtime, link_shapes, param_shapes or {}
        self.value_shapes = value_shapes or {}  # (id of out = x + f: {name: shape})


def _sample_dims(forward, body, outputs, shapes=None):
    """Runs the forward (its layers as the user wrote them) on sample arrays of its declared shapes
    (or ``shapes``): the shape each reshape undoes, and where the backward finds each dimension."""
    import types

    import numpy as np

    from .layer_dims import RuntimeDims
    from .loop_layers import _user_functions
    from .program import declared_shapes
    from .shapes import dim_sizes, examples
    params = [a.arg for a in forward.func.args.args]
    specs = declared_shapes(forward, shapes)
    unknown = [p for p in params if p not in specs]
    if unknown:
        raise forward.error(f"the shapes of {', '.join(unknown)} are needed: give them in the docstring "
                            f"(- {unknown[0]}: ... of shape (N, C, H, W)), annotate the parameters or pass "
                            f"shapes= (on the command line: --shape {unknown[0]}=N,C,H,W)")
    env = dict(zip(params, examples(types.SimpleNamespace(params=tuple(params)), specs)), np=np)
    param_shapes = {p: np.shape(env[p]) for p in params if isinstance(env[p], np.ndarray)}  # (as given)
    env.update({k: v for k, v in _user_functions(forward).items() if k not in env})
    link_shapes, value_shapes = {}, {}
    for stmt in body[:-1]:
        try:
            chain = _shape_chain(stmt, _numpy_names(forward))
            if chain is not None:
                link_shapes[id(stmt)] = [np.shape(eval(compile(ast.Expression(_inner(node)), "<sample>", "eval"),
                                                       env)) for _, node in chain[2]]
            operands = _residual(stmt)
            if operands is not None:  # (out = x + f: the shapes of the two, and of the sum below)
                value_shapes[id(stmt)] = {n: _array_shape(env.get(n)) for n, _ in operands[1]}
            exec(compile(ast.Module([stmt], []), "<sample>", "exec"), env)
            if operands is not None:
                value_shapes[id(stmt)][operands[0]] = _array_shape(env.get(operands[0]))
        except BackgenError:
            raise
        except Exception as exc:  # noqa: BLE001 - the user's code, at sizes it was not written for
            raise forward.error(f"could not run this on sample arrays of the declared shapes: "
                                f"{type(exc).__name__}: {exc} (a size written as a number, where the shapes "
                                "name it, takes the sample's size: declare the sizes as numbers)", stmt) from None
    assigned = {n.id for stmt in body[:-1] for n in ast.walk(stmt) if isinstance(n, ast.Name)
                and isinstance(n.ctx, ast.Store)}
    refuse_numbered(specs, params, {n: env[n] for n in sorted(assigned) if type(env.get(n)) is int},
                    forward.error, forward.func)
    sources = [("dout" if len(outputs) == 1 else "d" + n, np.shape(env[n])) for n in outputs]

    def walk(value, expr, depth):
        if isinstance(value, np.ndarray):
            sources.append((expr, value.shape))
        elif isinstance(value, (tuple, list)) and depth < 3:
            for k, item in enumerate(value):
                walk(item, f"{expr}[{k}]", depth + 1)
        elif isinstance(value, dict) and depth < 3:
            for key, item in value.items():
                if isinstance(key, (str, int)):
                    walk(item, f"{expr}[{key!r}]", depth + 1)
    walk(env[body[-1].value.elts[-1].id], "cache", 0)
    taken = {"cache", "np", "dout"} | {"d" + p for p in params} | {"d" + n for n in outputs}

    def fail(size):
        return forward.error(f"the backward cannot learn a dimension (of size {size} in the samples) from the "
                             "upstream gradient or the cache: keep the input in the cache")
    return _Dims(RuntimeDims(dim_sizes(specs), sources, taken, fail), link_shapes, param_shapes, value_shapes)


def _array_shape(value):
    """The shape of an array of floats; None for anything else (a number, integers)."""
    import numpy as np
    return value.shape if isinstance(value, np.ndarray) and value.dtype.kind == "f" else None


def _callee_shapes(forward, body, calls, shapes):
    """``{layer: {parameter: shape}}``: the shapes of the arguments each layer called is given when the
    sandwich runs on sample arrays of its own shapes (declared, or ``shapes``), for the layer's
    parameters it declares none of itself (``layernorm_forward(x, gamma, beta, ln_param)`` without a
    docstring), each size named as the sandwich names it; a layer called with arguments of other shapes
    elsewhere, or with sizes no dimension names, gets none.  Empty where a shape of the sandwich is not
    declared or the run fails."""
    import types

    import numpy as np

    from .docshapes import docstring_shapes
    from .loop_layers import _user_functions
    from .program import declared_shapes
    from .shapes import dim_sizes, examples
    params = [a.arg for a in forward.func.args.args]
    try:
        specs = declared_shapes(forward, shapes)
        if any(p not in specs for p in params):
            return {}  # (the sandwich does not declare its shapes: its layers' own are read)
        samples = examples(types.SimpleNamespace(params=tuple(params)), specs)
    except BackgenError:
        return {}
    env = dict(zip(params, samples), np=np)
    env.update({k: v for k, v in _user_functions(forward).items() if k not in env})
    seen = {}

    def recording(name, function):
        def call(*args, **kwargs):
            seen.setdefault(name, []).append((args, kwargs))
            return function(*args, **kwargs)
        return call
    for name in sorted({stmt.value.func.id for stmt in calls}):
        if callable(env.get(name)):
            seen[name] = []
            env[name] = recording(name, env[name])
    try:
        for stmt in body[:-1]:
            exec(compile(ast.Module([stmt], []), "<sample>", "exec"), env)
    except Exception:  # noqa: BLE001 - the user's code at these samples: the layers declare their own
        return {}
    named = {}
    for dim, size in dim_sizes(specs).items():
        named.setdefault(size, []).append(dim)

    def spec_of(value):
        if isinstance(value, float):
            return "float"
        if not isinstance(value, np.ndarray) or value.dtype.kind not in "fiub" or not value.shape:
            return None
        dims = [named.get(size, []) for size in value.shape]
        if any(len(d) > 1 for d in dims):
            return None  # a size two dimensions have
        kind = "" if value.dtype.kind == "f" else "int " if value.dtype.kind in "iu" else "bool "
        return kind + ", ".join(d[0] if d else str(size) for d, size in zip(dims, value.shape))
    found = {}
    for name, runs in seen.items():
        helper = read_helper(forward, name)
        names = [a.arg for a in helper.func.args.args]
        declared = declared_shapes(helper)
        each = []
        for args, kwargs in runs:
            given = dict(zip(names, args), **kwargs)
            reshaped = set()  # (x of (N, d_1, ..., d_k), read as (N, D): of any rank from two up)
            docstring_shapes(helper.func, reshaped)
            call = next(c for c in calls if c.value.func.id == name)
            if _other_shapes(given, {p: s for p, s in declared.items() if p not in reshaped}):
                # (batchnorm_forward(x.T, gamma.T, ...)): written for these shapes, all of them
                each.append({p: spec_of(v) for p, v in given.items() if spec_of(v) is not None})
                _refuse_unnamed(forward, name, given, declared, call, each[-1])
                continue
            each.append({p: spec_of(v) for p, v in given.items() if p not in declared and spec_of(v) is not None})
        if each and all(e == each[0] for e in each) and each[0]:
            found[name] = each[0]
        elif any(_other_shapes(dict(zip(names, args), **kwargs), declared) for args, kwargs in runs):
            raise forward.error(f"{name}() is called here with arrays of other shapes than it declares, and of "
                                f"other shapes at another call: backgen writes a backward of {name}() for one "
                                "set of shapes; call it alike, or decorate "
                                f"{forward.func.name}() (backgen.layer), whose backward keeps a cache of its own",
                                next(c for c in calls if c.value.func.id == name))
    return found


def _refuse_unnamed(forward, name, given, declared, call, named):
    """Refuses a layer called with arrays of other shapes than it declares where the sandwich's sizes do not
    name one of them (``named``: those they name): its backward, written for the shapes it is given, needs
    each named."""
    import numpy as np
    for param, value in given.items():
        if param in declared and declared[param].kind in ("float", "int", "bool") and isinstance(
                value, np.ndarray) and param not in named:
            raise forward.error(f"{name}() is called here with {param} of shape {np.shape(value)} at the sample "
                                f"arrays, other than it declares, of sizes {forward.func.name}()'s own do not name "
                                f"(or two of them share): declare {name}()'s shapes for this call, or decorate "
                                f"{forward.func.name}() (backgen.layer), whose backward keeps a cache of its own",
                                call)


def _other_shapes(given, declared):
    """Whether a layer is called, at the sandwich's sample arrays (``given``, by parameter), with an array of
    a shape its own declaration (``declared``) does not give (``batchnorm_forward(x.T, gamma.reshape(-1, 1),
    ...)`` of a layer declaring gamma ``(D,)``): its backward is then written for the shapes it is called
    with."""
    import numpy as np

    sizes = {}
    for param, value in given.items():
        spec = declared.get(param)
        if spec is None or spec.kind not in ("float", "int", "bool") or not isinstance(
                value, (np.ndarray, float, int)) or isinstance(value, bool):
            continue
        shape = np.shape(value)
        dims = spec.dims
        if any(dim == "..." for dim in dims):
            continue  # (of any shape: relu_forward's x)
        fits = len(dims) == len(shape)
        for dim, size in zip(dims, shape) if fits else ():
            if isinstance(dim, int):
                fits = fits and dim == size
            elif isinstance(dim, str) and "*" in dim:
                factor, base = dim.split("*", 1)
                fits = fits and factor.isdigit() and size % int(factor) == 0 and \
                    sizes.setdefault(base, size // int(factor)) == size // int(factor)
            elif isinstance(dim, str):
                fits = fits and sizes.setdefault(dim, size) == size
        if not fits:
            return True
    return False


def _inner(node):
    return node.value if isinstance(node, ast.Attribute) else node.func.value
