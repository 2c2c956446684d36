"""NumPy's np.select, np.choose and np.piecewise, written as the nested np.where they are.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each
call ``np.select(condlist, choicelist, default=0)`` of a function the
environment binds to NumPy, whose lists are displays of as many items
(``[r < 1.0, r < 2.0]``, ``[a, b]``, or names bound to such displays just before
the statement calling it and read nowhere else), with
``np.where(c1, v1, np.where(c2, v2, default))``: the first condition that
holds picks its choice, the default where none does, every operand broadcast
together, as NumPy's np.select computes it; the rule of ``np.where`` then
differentiates it.  Lists that are not displays, or of two lengths, are refused
at the call.  ``np.choose(a, [c0, c1, c2])`` likewise, whose choices are a display (or a name
bound to one so): ``np.where(a == 0, c0, np.where(a == 1, c1, c2))``, the last choice where
the index names no other (an index out of range raises in the forward); ``mode=`` and ``out=`` are refused.
``np.piecewise(x, condlist, funclist)`` likewise, the later condition outermost (it wins where several
hold, as NumPy fills them in order), its functions applied to ``x`` and the result cast to ``x``'s dtype.

``np.compress(condition, a, axis)`` and ``np.extract(condition, arr)`` are read
as the selections they are: ``np.take(a, np.flatnonzero(condition), axis)``
(the places where the condition holds, a condition shorter than the axis
reading no further; without an axis, of ``a`` flattened) and
``np.take(arr, np.flatnonzero(condition))``; ``out=`` is left as written.
"""

import ast

from .source import module_calls, rewrite_statements, walk, tree_copy
from .scipy_calls import numpy_alias
SPELLED = frozenset({"select", "compress", "extract", "choose", "piecewise"})  # (parse runs this rewriter
# only where the function spells one)


def rewrite(forward):
    _taken_selections(forward)
    calls = module_calls(forward.env, "numpy", ("select", "choose", "piecewise"))
    if calls is None:
        return
    which, _ = calls
    displays = _bound_displays(forward.func, which)

    class Calls(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            if which(node.func) is None:
                return node
            node.args = [tree_copy(displays[a.id][1]) if isinstance(a, ast.Name) and a.id in displays else a
                         for a in node.args]
            for keyword in node.keywords:
                if isinstance(keyword.value, ast.Name) and keyword.value.id in displays:
                    keyword.value = tree_copy(displays[keyword.value.id][1])
            new = {"choose": _chosen, "piecewise": _piecewise}.get(which(node.func), _nested_where)(forward, node)
            for sub in walk(new):
                ast.copy_location(sub, node)
            return new
    Calls().visit(forward.func)
    taken = {id(stmt) for stmt, _ in displays.values()}
    if taken:
        forward.func.body = rewrite_statements(forward.func.body, lambda stmt: [] if id(stmt) in taken else [stmt])


def _bound_displays(func, which):
    """``{name: (assignment, display)}`` for names bound to a list or tuple display just before the
    statement calling np.select (only other such bindings between them), once in ``func``, and read
    only as that call's arguments: nothing runs between, so the display read in the call is the value
    it had."""
    stores, loads = {}, {}
    for node in walk(func):
        if isinstance(node, ast.Name):
            counts = stores if isinstance(node.ctx, ast.Store) else loads
            counts[node.id] = counts.get(node.id, 0) + 1
    found = {}
    blocks = [func.body] + [getattr(n, f) for n in walk(func) for f in ("body", "orelse", "finalbody")
                            if isinstance(getattr(n, f, None), list) and n is not func]
    for block in blocks:
        for index, stmt in enumerate(block):
            if isinstance(stmt, (ast.For, ast.While, ast.If, ast.With, ast.Try, ast.FunctionDef)) or any(
                    isinstance(n, (ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.DictComp, ast.Lambda))
                    for n in walk(stmt)):  # (names of their own there)
                continue
            arguments = [a for call in walk(stmt) if isinstance(call, ast.Call) and which(call.func) is not None
                         for a in list(call.args) + [k.value for k in call.keywords] if isinstance(a, ast.Name)]
            reads = {}
            for a in arguments:
                reads[a.id] = reads.get(a.id, 0) + 1
            before = index - 1
            while before >= 0 and isinstance(block[before], ast.Assign) and len(block[before].targets) == 1 and \
                    isinstance(block[before].targets[0], ast.Name) and \
                    isinstance(block[before].value, (ast.List, ast.Tuple)):
                name = block[before].targets[0].id
                if stores.get(name) == 1 and reads.get(name, 0) == loads.get(name, 0) > 0:
                    found[name] = (block[before], block[before].value)
                before -= 1
    return found


def _nested_where(forward, call):
    params = ("condlist", "choicelist", "default")
    given = dict(zip(params, call.args))
    if len(call.args) > len(params) or any(isinstance(a, ast.Starred) for a in call.args) or \
            any(k.arg not in params or k.arg in given for k in call.keywords):
        raise forward.error("np.select is read with condlist, choicelist and default", call)
    given.update({k.arg: k.value for k in call.keywords})
    conditions, choices = given.get("condlist"), given.get("choicelist")
    displays = (ast.List, ast.Tuple)
    if not (isinstance(conditions, displays) and isinstance(choices, displays)) or \
            len(conditions.elts) != len(choices.elts) or not conditions.elts or \
            any(isinstance(e, ast.Starred) for e in conditions.elts + choices.elts):
        raise forward.error("np.select is differentiated with its conditions and choices written out as lists of "
                            "as many items ([x < 0, x < 1], [a, b])", call)
    np_name = numpy_alias(forward)
    new = given.get("default", ast.Constant(0))
    for condition, choice in reversed(list(zip(conditions.elts, choices.elts))):
        where = ast.Attribute(ast.Name(np_name, ast.Load()), "where", ast.Load())
        new = ast.Call(where, [condition, choice, new], [])
    return new


def _chosen(forward, call):
    """``np.choose(a, [c0, c1, c2])`` as ``np.where(a == 0, c0, np.where(a == 1, c1, c2))``: each element
    from the choice its index names (an index out of range raises in the forward, mode 'raise'), every
    operand broadcast together, as NumPy's np.choose computes it."""
    given = dict(zip(("a", "choices"), call.args))
    if len(call.args) > 2 or any(isinstance(a, ast.Starred) for a in call.args) or \
            any(k.arg not in ("a", "choices") or k.arg in given for k in call.keywords):
        raise forward.error("np.choose is read with a and choices (mode 'raise', no out=)", call)
    given.update({k.arg: k.value for k in call.keywords})
    index, choices = given.get("a"), given.get("choices")
    if index is None or not isinstance(choices, (ast.List, ast.Tuple)) or not choices.elts or \
            any(isinstance(e, ast.Starred) for e in choices.elts):
        raise forward.error("np.choose is differentiated with its choices written out as a list ([v, q, p])", call)
    np_name = numpy_alias(forward)
    new = choices.elts[-1]
    for k in reversed(range(len(choices.elts) - 1)):
        where = ast.Attribute(ast.Name(np_name, ast.Load()), "where", ast.Load())
        test = ast.Compare(tree_copy(index), [ast.Eq()], [ast.Constant(k)])
        new = ast.Call(where, [test, choices.elts[k], new], [])
    return new


def _piecewise(forward, call):
    """``np.piecewise(x, [c1, c2], [f1, f2, f0])`` as ``np.where(c2, f2(x), np.where(c1, f1(x), f0(x)))``
    in x's dtype (``.astype(np.asarray(x).dtype)``, as NumPy fills an array of it): a later condition
    wins where several hold, the extra function (or 0) where none does; each function a lambda of one
    parameter (its body, the parameter replaced by x), a number, or a function of the module (called)."""
    given = dict(zip(("x", "condlist", "funclist"), call.args))
    if len(call.args) > 3 or any(isinstance(a, ast.Starred) for a in call.args) or \
            any(k.arg not in ("x", "condlist", "funclist") or k.arg in given for k in call.keywords):
        raise forward.error("np.piecewise is read with x, condlist and funclist (no arguments passed on to the "
                            "functions)", call)
    given.update({k.arg: k.value for k in call.keywords})
    x, conditions, functions = given.get("x"), given.get("condlist"), given.get("funclist")
    displays = (ast.List, ast.Tuple)
    conditions = conditions.elts if isinstance(conditions, displays) else [conditions]
    if x is None or None in conditions or not isinstance(functions, displays) or \
            len(functions.elts) not in (len(conditions), len(conditions) + 1) or \
            any(isinstance(e, ast.Starred) for e in list(conditions) + functions.elts):
        raise forward.error("np.piecewise is differentiated with its conditions and functions written out as "
                            "lists ([x < 0, x >= 0], [lambda v: -v, lambda v: v]), as many functions as "
                            "conditions or one more", call)

    def applied(function):
        if isinstance(function, ast.Lambda) and len(function.args.args) == 1 and not (
                function.args.defaults or function.args.vararg or function.args.kwarg or
                function.args.kwonlyargs or function.args.posonlyargs):
            param = function.args.args[0].arg

            class Put(ast.NodeTransformer):
                def visit_Name(self, node):
                    return tree_copy(x) if node.id == param and isinstance(node.ctx, ast.Load) else node
            return Put().visit(tree_copy(function.body))
        if isinstance(function, ast.Constant) and isinstance(function.value, (int, float)) and \
                not isinstance(function.value, bool):
            return function
        if isinstance(function, ast.Name):
            return ast.Call(ast.Name(function.id, ast.Load()), [tree_copy(x)], [])
        raise forward.error("np.piecewise's functions are read as lambdas of one parameter, numbers or "
                            "functions of the module", function)
    pieces = [applied(f) for f in functions.elts]
    new = pieces.pop() if len(pieces) > len(conditions) else ast.Constant(0.0)
    np_name = numpy_alias(forward)
    for condition, piece in zip(conditions, pieces):
        where = ast.Attribute(ast.Name(np_name, ast.Load()), "where", ast.Load())
        new = ast.Call(where, [condition, piece, new], [])
    dtype = ast.Attribute(ast.Call(ast.Attribute(ast.Name(np_name, ast.Load()), "asarray", ast.Load()),
                                   [tree_copy(x)], []), "dtype", ast.Load())
    return ast.Call(ast.Attribute(new, "astype", ast.Load()), [dtype], [])


def _taken_selections(forward):
    """np.compress and np.extract as np.take of the places np.flatnonzero finds (see the contract)."""
    calls = module_calls(forward.env, "numpy", ("compress", "extract"))
    if calls is None:
        return
    which, _ = calls
    params = {"compress": ("condition", "a", "axis"), "extract": ("condition", "arr")}

    class Calls(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            name = which(node.func)
            if name is None or any(isinstance(a, ast.Starred) for a in node.args) or \
                    len(node.args) > len(params[name]) or \
                    any(k.arg not in params[name] for k in node.keywords):  # (out=, or **kwargs: as written)
                return node
            given = dict(zip(params[name], node.args))
            given.update({k.arg: k.value for k in node.keywords})
            if "condition" not in given or params[name][1] not in given:
                return node
            np_name = numpy_alias(forward)
            places = ast.Call(ast.Attribute(ast.Name(np_name, ast.Load()), "flatnonzero", ast.Load()),
                              [given["condition"]], [])
            axis = [ast.keyword("axis", given["axis"])] if "axis" in given else []
            new = ast.Call(ast.Attribute(ast.Name(np_name, ast.Load()), "take", ast.Load()),
                           [given[params[name][1]], places], axis)
            for sub in walk(new):
                ast.copy_location(sub, node)
            return new
    Calls().visit(forward.func)
