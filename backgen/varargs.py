"""Helpers taking ``*args``, each written for the number of values a call gives them.

Contract: ``specialize(forward, read_plain)`` (and ``spread_tuples``, alike) rewrites ``forward.func``
in place and adds to ``forward.helpers`` the helpers it writes (``read_plain(forward, name)``: a helper
as its source reads, or None).

A call of one of the user's functions ``def concat_and_multiply(weights, *args)`` giving it n
values past its parameters (``concat_and_multiply(W, x, h)``, none of them starred, no keyword
arguments) calls a copy written for n (``concat_and_multiply_2(W, args_0, args_1)``): the
``*args`` parameter becomes n parameters, and each read of ``args`` the tuple they make,
``(args_0, args_1)``, as Python gives it; a tuple so written and indexed by a number is that
item (``args[0]``: ``args_0``), its ``len`` a number, and a tuple added to it one tuple
(``args + (ones,)``: ``(args_0, args_1, ones)``).  A helper binding ``args`` again, taking
``**kwargs`` or keyword-only parameters, is left as it was (refused as before).

``spelled_out(func)``: the def ``func`` taking, for a ``*args`` its body only unpacks whole into names
(``def f(x, *args): a, b = args``, scipy.optimize's objectives given ``args=(a, b)``), parameters instead:
those names where that one unpacking opens the body (``def f(x, a, b)``), else ``args_0, args_1`` written
as for a helper above; or None.  ``signature(sig, func)``: its ``inspect.Signature`` so spelled out.

``spread_tuples(forward, read_plain)``: a call of one of the user's functions giving a tuple (or list)
written out with n items (by place, by keyword, or as the parameter's default) to a parameter the
helper reads spread into calls (``def rk2(f, z0, ts, args=()): ... k1 = f(z, t, *args)``, called
``rk2(lv, z0, ts, args=(alpha, beta))``, scipy's ``odeint`` style) and never binds nor changes, calls a copy
written for n (``rk2_2``) where each ``*args`` is ``args[0], ..., args[n - 1]``: the items Python
spreads.  The tuple itself is still passed, and read by index.  A helper taking ``*args``,
``**kwargs`` or keyword-only parameters, or defining functions inside, is left as it was.
"""

import ast
import inspect

from .nested import Nested
from .source import fresh_names, walk, tree_copy, names_of


def specialize(forward, read_plain):
    written = {}
    calls = [n for n in walk(forward.func) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
             and n.func.id in forward.helpers]
    bound = {n.id for n in walk(forward.func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    bound |= {a.arg for a in forward.func.args.args}
    for call in calls:
        if call.func.id in bound or call.keywords or any(isinstance(a, ast.Starred) for a in call.args):
            continue
        helper = read_plain(forward, call.func.id)
        if helper is None or not isinstance(helper.func, ast.FunctionDef):
            continue
        args = helper.func.args
        if args.vararg is None or args.kwarg or args.kwonlyargs or args.posonlyargs or \
                len(call.args) < len(args.args):
            continue
        count = len(call.args) - len(args.args)
        key = (call.func.id, count)
        if key not in written:
            func = _written_for(helper.func, count)
            if func is None:
                continue
            taken = set(forward.helpers) | names_of(forward.func)
            func.name = fresh_names(taken)(f"{call.func.id}_{count}")
            forward.helpers[func.name] = Nested(func, helper.filename, helper.lines, dict(helper.env),
                                                module_functions(forward, call.func.id, helper),
                                                dict(helper.constants), literals=dict(getattr(helper, "literals", {})))
            written[key] = func.name
        call.func = ast.copy_location(ast.Name(written[key], ast.Load()), call.func)


def spelled_out(func):
    """A copy of the def ``func`` whose ``*args`` its body reads only by unpacking it whole into names, each
    unpacking of the same count n (``def f(x, *args): a, b = args``, scipy.optimize's ``args=(a, b)``), taking
    n parameters for it instead: the names themselves where the one unpacking opens the body (``def f(x, a,
    b)``), else ``args_0, args_1`` as ``_written_for`` writes them (the unpacking ``a, b = (args_0, args_1)``);
    None for any other ``*args`` (read otherwise, after parameters with defaults, beside ``**kwargs``)."""
    star, args = func.args.vararg, func.args
    if star is None or args.defaults or args.posonlyargs or args.kwarg:
        return None
    parents = {id(child): node for node in walk(func) for child in ast.iter_child_nodes(node)}
    counts = set()
    for node in walk(func):
        if not (isinstance(node, ast.Name) and node.id == star.arg):
            continue
        parent = parents.get(id(node))
        if not (isinstance(node.ctx, ast.Load) and isinstance(parent, ast.Assign) and parent.value is node and
                len(parent.targets) == 1 and isinstance(parent.targets[0], (ast.Tuple, ast.List)) and
                not any(isinstance(e, ast.Starred) for e in parent.targets[0].elts)):
            return None
        counts.add(len(parent.targets[0].elts))
        unpacked = parent
    if len(counts) != 1:
        return None
    at = 1 if len(func.body) > 1 and isinstance(func.body[0], ast.Expr) and \
        isinstance(func.body[0].value, ast.Constant) and isinstance(func.body[0].value.value, str) else 0
    names = [e.id if isinstance(e, ast.Name) else None for e in unpacked.targets[0].elts]
    params = {a.arg for a in args.args + args.kwonlyargs}
    reads = sum(isinstance(n, ast.Name) and n.id == star.arg for n in walk(func))
    if reads == 1 and len(func.body) > at + 1 and func.body[at] is unpacked and None not in names and len(set(names)) == len(names) and not set(names) & params:
        func = tree_copy(func)  # (a, b = args as the body starts: the parameters a, b)
        func.args.args = func.args.args + [ast.copy_location(ast.arg(n), func.args.vararg) for n in names]
        func.args.vararg = None
        del func.body[at]
        return func
    return _written_for(func, counts.pop())


def _written_for(func, count):
    """A copy of ``func`` taking ``count`` values for its ``*args`` (see the module doc), or None."""
    func = tree_copy(func)
    star = func.args.vararg
    if any(isinstance(n, ast.Name) and n.id == star.arg and not isinstance(n.ctx, ast.Load) for n in walk(func)) \
            or any(isinstance(n, (ast.FunctionDef, ast.Lambda)) and n is not func for n in walk(func)):
        return None
    used = names_of(func) | {a.arg for a in func.args.args}
    fresh = fresh_names(used, bare=True)
    names = [fresh(f"{star.arg}_{k}") for k in range(count)]
    func.args.args = func.args.args + [ast.copy_location(ast.arg(n), star) for n in names]
    func.args.vararg = None

    class Items(ast.NodeTransformer):
        def visit_Name(self, node):
            if node.id != star.arg:
                return node
            items = [ast.copy_location(ast.Name(n, ast.Load()), node) for n in names]
            return ast.copy_location(ast.Tuple(items, ast.Load()), node)

        def visit_BinOp(self, node):
            self.generic_visit(node)
            if isinstance(node.op, ast.Add) and isinstance(node.left, ast.Tuple) and isinstance(node.right, ast.Tuple):
                return ast.copy_location(ast.Tuple(node.left.elts + node.right.elts, ast.Load()), node)
            return node

        def visit_Subscript(self, node):
            self.generic_visit(node)
            if isinstance(node.value, ast.Tuple) and isinstance(node.ctx, ast.Load) and \
                    isinstance(node.slice, ast.Constant) and type(node.slice.value) is int and \
                    -len(node.value.elts) <= node.slice.value < len(node.value.elts):
                return node.value.elts[node.slice.value]
            return node

        def visit_Call(self, node):
            self.generic_visit(node)
            if isinstance(node.func, ast.Name) and node.func.id == "len" and len(node.args) == 1 and \
                    not node.keywords and isinstance(node.args[0], ast.Tuple) and \
                    not any(isinstance(e, ast.Starred) for e in node.args[0].elts):
                return ast.copy_location(ast.Constant(len(node.args[0].elts)), node)
            return node
    func.body = [Items().visit(stmt) for stmt in func.body]
    ast.fix_missing_locations(func)
    return func


def signature(sig, func):
    """The ``inspect.Signature`` ``sig`` of the def ``func`` with its ``*args`` spelled out as ``spelled_out``
    writes it (the parameters ``args_0, ...`` in its place, taken by position or name), or ``sig`` as it is."""
    written = spelled_out(tree_copy(func))
    if written is None:
        return sig
    made = [inspect.Parameter(a.arg, inspect.Parameter.POSITIONAL_OR_KEYWORD)
            for a in written.args.args[len(func.args.args):]]
    params = list(sig.parameters.values())
    at = next(k for k, p in enumerate(params) if p.kind is p.VAR_POSITIONAL)
    return sig.replace(parameters=params[:at] + made + params[at + 1:])


def spread_tuples(forward, read_plain):
    """Calls of the user's helpers giving a tuple written out to a parameter the helper spreads into
    calls (``def rk2(f, z0, ts, args=()): ... f(z, t, *args)`` called ``rk2(lv, z0, ts, args=(alpha,
    beta))``; see the module doc): each such call calls a copy where ``*args`` is ``args[0], ...,
    args[n - 1]``, the items the tuple of n items holds (``read_plain`` as for ``specialize``)."""
    written = {}
    bound = {n.id for n in walk(forward.func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    bound |= {a.arg for a in forward.func.args.args}
    for call in [n for n in walk(forward.func) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                 and n.func.id in forward.helpers and n.func.id not in bound]:
        if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
            continue
        helper = read_plain(forward, call.func.id)
        if helper is None or not isinstance(helper.func, ast.FunctionDef):
            continue
        args = helper.func.args
        if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs:
            continue
        spread = _spread_parameters(helper.func)
        sizes = {}
        for name in spread:
            value = _given(call, args, name)
            if isinstance(value, (ast.Tuple, ast.List)) and not any(isinstance(e, ast.Starred) for e in value.elts):
                sizes[name] = len(value.elts)
        if not sizes:
            continue
        key = (call.func.id, tuple(sorted(sizes.items())))
        if key not in written:
            func = _spread_for(helper.func, sizes)
            taken = set(forward.helpers) | names_of(forward.func)
            func.name = fresh_names(taken)(f"{call.func.id}_" + "_".join(str(n) for _, n in sorted(sizes.items())))
            forward.helpers[func.name] = Nested(func, helper.filename, helper.lines, dict(helper.env),
                                                module_functions(forward, call.func.id, helper),
                                                dict(helper.constants), literals=dict(getattr(helper, "literals", {})))
            written[key] = func.name
        call.func = ast.copy_location(ast.Name(written[key], ast.Load()), call.func)


def module_functions(forward, name, helper):
    """The helpers of ``helper``, and, where the caller holds it as a live function, the user's functions its
    module binds that the caller holds too (the copy, no live function, keeps what its names mean)."""
    helpers = dict(helper.helpers)
    live = getattr(forward.helpers[name], "__globals__", None)
    for other, value in forward.helpers.items() if live is not None else ():
        function = value[0] if isinstance(value, tuple) else value
        if other not in helpers and other not in helper.env and live.get(other) is function:
            helpers[other] = value
    return helpers


def _spread_parameters(func):
    """The parameters of ``func`` it reads spread into a call (``f(z, *args)``) and never binds again nor
    changes (no method called on it, no item written, no ``op=``; nor declares global, nor a nested
    function reads)."""
    params = {a.arg for a in func.args.args}
    spread = {n.value.id for n in walk(func) if isinstance(n, ast.Starred) and isinstance(n.value, ast.Name)
              and isinstance(n.ctx, ast.Load) and n.value.id in params}
    if not spread or any(isinstance(n, (ast.FunctionDef, ast.Lambda, ast.Global, ast.Nonlocal)) and n is not func
                         for n in walk(func)):
        return set()
    stored = {n.id for n in walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    changed = {n.value.id for n in walk(func) if isinstance(n, (ast.Attribute, ast.Subscript)) and
               isinstance(n.value, ast.Name) and (isinstance(n, ast.Attribute) or not isinstance(n.ctx, ast.Load))}
    changed |= {n.target.id for n in walk(func) if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name)}
    return spread - stored - changed  # (args.append(v), args[0] = v: another length, other items than given)


def _given(call, args, name):
    """The expression ``call`` gives the parameter ``name`` (``args``: the helper's ``ast.arguments``): an
    argument by place or by keyword, else its default; None where there is none."""
    params = [a.arg for a in args.args]
    k = params.index(name)
    if k < len(call.args):
        return call.args[k]
    value = next((kw.value for kw in call.keywords if kw.arg == name), None)
    if value is None and k >= len(params) - len(args.defaults):
        value = args.defaults[k - (len(params) - len(args.defaults))]
    return value


def _spread_for(func, sizes):
    """A copy of ``func`` where each ``*name`` of a parameter in ``sizes`` is ``name[0], ..., name[n - 1]``."""
    func = tree_copy(func)

    class Items(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            items = []
            for arg in node.args:
                if isinstance(arg, ast.Starred) and isinstance(arg.value, ast.Name) and arg.value.id in sizes:
                    items.extend(ast.copy_location(ast.Subscript(ast.Name(arg.value.id, ast.Load()), ast.Constant(k),
                                                                 ast.Load()), arg) for k in range(sizes[arg.value.id]))
                else:
                    items.append(arg)
            node.args = items
            return node
    func.body = [Items().visit(stmt) for stmt in func.body]
    ast.fix_missing_locations(func)
    return func
