"""Layers built from layers: ``affine_relu_forward`` gets ``affine_relu_backward(dout, cache)``.

Contract: ``sandwich(forward, build) -> ir.Program or None``.  A forward in
CS231n's convention whose body only calls other layers of the file
(``a, fc_cache = affine_forward(x, w, b)``), collects their caches
(``cache = (fc_cache, relu_cache)``) and returns ``out, cache`` gets the
backward a person writes: it unpacks the cache and calls the layers'
generated backwards in reverse order, adding the gradients of a value used
twice (``+=``).  ``build(helper_forward)`` returns the ``ir.Program`` of a
called layer (its backward in the same convention).  None when the forward is
not such a sandwich (it is then staged as any other function).
"""

import ast

from . import ir
from .cache import Layout, backward_name, output_roles
from .loop_layers import loop_layer
from .parse import is_docstring, read_helper


def sandwich(forward, build):
    looped = loop_layer(forward, build)  # rnn_forward: a step layer called in a loop
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
    calls, layout = [], None
    for stmt in body[:-1]:
        if _is_layer_call(stmt, forward):
            calls.append(stmt)
        elif isinstance(stmt, ast.Assign) and _names(stmt.targets[0]) == [cache_name] and layout is None \
                and isinstance(stmt.value, (ast.Tuple, ast.List)) and all(isinstance(e, ast.Name)
                                                                          for e in stmt.value.elts):
            layout = Layout("tuple", tuple(e.id for e in stmt.value.elts), (), stmt.lineno)
        else:
            return None
    if not calls or layout is None:
        return None
    programs, call_caches = {}, {}
    for stmt in calls:
        callee = stmt.value.func.id
        if callee not in programs:
            programs[callee] = build(read_helper(forward, callee))
        call_caches[_names(stmt.targets[0])[-1]] = stmt
    if set(layout.names) != set(call_caches):
        return None  # the cache holds something other than the layers' caches
    return _compose(forward, calls, layout, programs, [e.id for e in returned[:-1]])


def _is_layer_call(stmt, forward):
    if not (isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Name) and stmt.value.func.id in forward.helpers
            and isinstance(stmt.targets[0], ast.Tuple) and len(stmt.targets[0].elts) >= 2
            and all(isinstance(e, ast.Name) for e in stmt.targets[0].elts) and not stmt.value.keywords):
        return False
    return all(isinstance(a, (ast.Name, ast.Constant)) for a in stmt.value.args)


def _names(target):
    return [target.id] if isinstance(target, ast.Name) else [e.id for e in target.elts]


def _compose(forward, calls, layout, programs, outputs):
    func = forward.func
    params = [a.arg for a in func.args.args]
    upstreams = tuple("d" + name for name in outputs) if len(outputs) > 1 else ("dout",)
    adjoint = dict(zip(outputs, upstreams))  # value -> its gradient's name, once it has one
    groups = []
    for number, stmt in reversed(list(enumerate(calls, 1))):
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
        grads = []
        lines = []
        callee_params = [a.arg for a in read_helper(forward, callee).func.args.args]
        for arg, name in zip(stmt.value.args, callee_params):
            if name not in helper.wrt:
                continue
            if isinstance(arg, ast.Name) and (arg.id in params and arg.id in _float_params(forward)
                                              or arg.id not in params):
                target = "d" + arg.id
                if arg.id in adjoint:  # used twice: add
                    grads.append(target + "_" + callee)
                    lines.append(ir.AdjointLine(target, True, target + "_" + callee))
                else:
                    grads.append(target)
                    adjoint[arg.id] = target
            else:
                grads.append("_")
        call = ir.CallLine(tuple(grads), f"{helper.name}({', '.join(douts)}, {cache})")
        groups.append(ir.Group(ir.ForwardLine(number, ", ".join(names), ast.unparse(stmt.value)), (call, *lines)))
    wrt = tuple(p for p in params if p in _float_params(forward))
    missing = [p for p in wrt if p not in adjoint]
    if missing:
        raise forward.error(f"{missing[0]!r} reaches none of the layers: leave it out, or use it")
    zeros = ()
    main = ir.Backward(backward_name(func.name), func.name, (), (), upstreams, wrt, (), tuple(groups), zeros,
                       tuple("d" + p for p in wrt), {"np": "np", "math": "math"}, "numpy", cache=layout)
    helpers = []
    for program in programs.values():
        helpers += list(program.helper_backwards) + [program.main]
    forwards = [f for program in programs.values() for f in program.helper_forwards]
    return ir.Program(main, tuple(forwards), tuple({b.name: b for b in helpers}.values()))


def _float_params(forward):
    """Parameters that carry a gradient: not settings dicts (``bn_param``), not integers."""
    from .stage import config_params  # the stager's own rule
    config = config_params(forward.func)
    return [a.arg for a in forward.func.args.args if a.arg not in config]
