"""``functools.reduce`` (and ``np.linalg.multi_dot`` of a list) written as the assignments it makes.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each call
``reduce(f, seq)`` or ``reduce(f, seq, initial)`` (``reduce`` as the environment binds
it: ``import functools``, ``from functools import reduce``) with a name holding the value it
folds, computed by statements put just before the statement holding the call:

* of a list or tuple written out (``reduce(np.dot, [A, B, C])``): ``prod = A``,
  ``prod = np.dot(prod, B)``, ``prod = np.dot(prod, C)``;
* of any other sequence (bound to a name first where it is not one, as Python evaluates it
  once): ``prod = xs[0]``, then ``for k in range(1, len(xs)): prod = f(prod, xs[k])`` (from
  ``initial``, over every item);

``np.linalg.multi_dot(arrays)`` of a sequence not written out is the fold of ``np.dot`` over it (the same
products, first and last vectors included).  Here ``f(acc, item)`` is written as what it computes:
``operator.mul`` (``add``, ``sub``, ``truediv``, ``matmul``, ``pow``) as the operator, ``lambda a, b: a * b``
as its body with its parameters replaced, any other function as its call.  A call inside a ``lambda``, a
comprehension, a conditional expression, a boolean operator or a ``while`` test (evaluated
again, or not at all), one of an empty display without ``initial``, and any other use of
``functools`` or ``operator`` are refused.
"""

import ast

from .source import fresh_names, name_ids, rewrite_statements, tree_copy, walk

OPERATORS = {"operator.add": ast.Add, "operator.mul": ast.Mult, "operator.sub": ast.Sub,
             "operator.truediv": ast.Div, "operator.matmul": ast.MatMult, "operator.pow": ast.Pow}
_HINTS = {"operator.add": "total", "operator.mul": "prod", "operator.matmul": "prod"}
_OPAQUE = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.IfExp, ast.BoolOp)


def rewrite(forward):
    if not any(str(meaning).startswith(("functools", "operator")) for meaning in forward.env.values()) and \
            not any(_multi_dot(forward, node) for node in walk(forward.func) if isinstance(node, ast.Call)):
        return
    fresh = fresh_names(set(name_ids(forward.func)) | {a.arg for a in forward.func.args.args})
    forward.func.body = rewrite_statements(forward.func.body, lambda stmt: _folded(forward, stmt, fresh))
    for node in walk(forward.func):  # (a fold left, or operator.mul called: code of its own the generated
        meaning = _meaning(forward, node) if isinstance(node, (ast.Name, ast.Attribute)) else None  # module
        if meaning is not None and meaning.startswith(("functools", "operator")):  # would not import)
            if meaning == "functools.reduce":
                message = ("functools.reduce is not supported here (of an empty list without an initial value, "
                           "in a while test, a lambda, a comprehension or a branch of an expression): backgen "
                           "writes it as the assignments it makes where it runs once, in a statement of its own")
            elif meaning.startswith("operator."):
                message = f"{meaning} is read only as the function of functools.reduce: write its operator"
            else:
                message = f"{meaning} is not supported: backgen reads functools.reduce only"
            raise forward.error(message, node)


def _multi_dot(forward, call):
    """Whether ``call`` is ``np.linalg.multi_dot(arrays)`` of a sequence that is not written out (a list a
    loop fills): a written-out list is read as ``a @ b @ ...`` where the call is staged."""
    parts, node = [], call.func
    while isinstance(node, ast.Attribute):
        parts.insert(0, node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or ".".join([str(forward.env.get(node.id))] + parts) != \
            "numpy.linalg.multi_dot":
        return False
    return len(call.args) == 1 and not call.keywords and not isinstance(call.args[0], (ast.List, ast.Tuple,
                                                                                      ast.Starred))


def _numpy_name(forward):
    from .scipy_calls import numpy_alias  # noqa: PLC0415 -- (a name for NumPy, added where none is bound)

    return numpy_alias(forward)


def _meaning(forward, node):
    """``functools.reduce`` (``operator.mul``...) for a name or an attribute of a module naming it."""
    if isinstance(node, ast.Name):
        return forward.env.get(node.id)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        module = forward.env.get(node.value.id)
        return f"{module}.{node.attr}" if module in ("functools", "operator") else None
    return None


def _folded(forward, stmt, fresh):
    """The statements ``stmt`` becomes: those computing its folds, then itself reading their names."""
    before = []

    class Calls(ast.NodeTransformer):
        def generic_visit(self, node):
            if isinstance(node, _OPAQUE):
                return node
            return super().generic_visit(node)

        def visit_Call(self, node):
            self.generic_visit(node)  # (a fold of folds: the inner ones first)
            if _multi_dot(forward, node):  # np.linalg.multi_dot(Ts): the fold of np.dot over Ts
                node = ast.Call(ast.Name("reduce", ast.Load()), [ast.Attribute(ast.Name(
                    _numpy_name(forward), ast.Load()), "dot", ast.Load()), node.args[0]], [])
                statements, name = _fold(forward, node, fresh)
                before.extend(ast.fix_missing_locations(ast.copy_location(s, stmt)) for s in statements)
                return ast.copy_location(ast.Name(name, ast.Load()), node)
            if _meaning(forward, node.func) != "functools.reduce" or node.keywords or \
                    not 2 <= len(node.args) <= 3 or any(isinstance(a, ast.Starred) for a in node.args):
                return node
            made = _fold(forward, node, fresh)
            if made is None:
                return node
            statements, name = made
            before.extend(ast.fix_missing_locations(ast.copy_location(s, stmt)) for s in statements)
            return ast.copy_location(ast.Name(name, ast.Load()), node)

    if isinstance(stmt, ast.While):
        return [stmt]
    if isinstance(stmt, (ast.If, ast.For)):  # (their blocks are rewritten on their own)
        field = "test" if isinstance(stmt, ast.If) else "iter"
        setattr(stmt, field, Calls().visit(getattr(stmt, field)))
    elif not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.With, ast.Try)):
        stmt = Calls().visit(stmt)
    return before + [stmt]


def _fold(forward, call, fresh):
    """``(statements, name)``: the statements computing ``reduce(f, seq[, initial])`` into ``name``,
    or None where the sequence is a display of nothing and no initial value is given."""
    func, seq = call.args[0], call.args[1]
    initial = call.args[2] if len(call.args) == 3 else None
    meaning = _meaning(forward, func)
    name = fresh(_HINTS.get(meaning, "acc"))

    def step(item):
        """``name = f(name, item)`` (``item`` held by a name first where a lambda reads it twice)."""
        held = []
        if isinstance(func, ast.Lambda) and len(func.args.args) == 2 and _reads(func, 1) > 1 and \
                not isinstance(item, (ast.Name, ast.Constant)):
            held.append(ast.Assign([ast.Name(fresh("item"), ast.Store())], item))
            item = ast.Name(held[0].targets[0].id, ast.Load())
        return held + [ast.Assign([ast.Name(name, ast.Store())], _applied(forward, func, meaning, name, item))]
    if isinstance(seq, (ast.List, ast.Tuple)) and not any(isinstance(e, ast.Starred) for e in seq.elts):
        items = list(seq.elts)
        if initial is None and not items:
            return None
        first = initial if initial is not None else items.pop(0)
        return [ast.Assign([ast.Name(name, ast.Store())], first)] + [s for item in items for s in step(item)], name
    statements = []
    if not isinstance(seq, ast.Name):
        held = fresh("seq")
        statements.append(ast.Assign([ast.Name(held, ast.Store())], seq))
        seq = ast.Name(held, ast.Load())
    index = fresh("k")
    length = ast.Call(ast.Name("len", ast.Load()), [ast.Name(seq.id, ast.Load())], [])
    bounds = [length] if initial is not None else [ast.Constant(1), length]
    statements.append(ast.Assign([ast.Name(name, ast.Store())], initial if initial is not None else
                                 ast.Subscript(ast.Name(seq.id, ast.Load()), ast.Constant(0), ast.Load())))
    item = ast.Subscript(ast.Name(seq.id, ast.Load()), ast.Name(index, ast.Load()), ast.Load())
    statements.append(ast.For(ast.Name(index, ast.Store()), ast.Call(ast.Name("range", ast.Load()), bounds, []),
                              step(item), []))
    return statements, name


def _applied(forward, func, meaning, name, item):
    """``f(name, item)`` as what it computes."""
    acc = ast.Name(name, ast.Load())
    if meaning in OPERATORS:
        return ast.BinOp(acc, OPERATORS[meaning](), item)
    if isinstance(func, ast.Lambda) and len(func.args.args) == 2 and not (
            func.args.defaults or func.args.vararg or func.args.kwarg or func.args.kwonlyargs
            or func.args.posonlyargs):
        first, second = (a.arg for a in func.args.args)
        return _Substituted({first: acc, second: item}).visit(tree_copy(func.body))
    return ast.Call(tree_copy(func), [acc, item], [])


def _reads(func, position):
    """How many times the body of the lambda ``func`` reads its parameter at ``position``."""
    name = func.args.args[position].arg
    return sum(isinstance(n, ast.Name) and n.id == name for n in walk(func.body))


class _Substituted(ast.NodeTransformer):
    def __init__(self, values):
        self.values = values

    def visit_Name(self, node):
        value = self.values.get(node.id)
        return tree_copy(value) if value is not None else node

    def visit_Lambda(self, node):  # (a lambda inside: its own parameters hide these names)
        return node
