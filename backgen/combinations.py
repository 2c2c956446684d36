"""Pairs from ``itertools.combinations``, written as the two loops they are.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each
``for i, j in itertools.combinations(seq, 2):`` (``combinations`` as the
environment binds it: ``import itertools``, ``from itertools import
combinations``) with the loops over the same pairs in the same order:

* of ``range(n)`` (or ``range(a, b)``): ``for i in range(n): for j in
  range(i + 1, n):``, the loop variables the values themselves;
* of another sequence, bound to a name first where it is not one (evaluated
  once, as Python does): ``for k in range(len(seq)): for k1 in range(k + 1,
  len(seq)): i = seq[k]; j = seq[k1]``.

Only with ``r`` 2 written as a number, a target of two names, no ``else`` and
no ``break`` leaving the loop (in two loops it would leave the inner one only).

A comprehension's ``for i, j in combinations(range(n), 2)`` is its two generators
``for i in range(n) for j in range(i + 1, n)``.  Elsewhere (``pairs = list(combinations(range(n),
2))`` read as a list of pairs, ``for a, b in combinations(x, 2)`` in a comprehension), the call, with
``list(...)`` or ``tuple(...)`` around it or not, is the list of the same pairs in the same order,
``[(i, j) for i in range(n) for j in range(i + 1, n)]`` or, of a sequence named,
``[(seq[k], seq[k1]) for k in range(len(seq)) for k1 in range(k + 1, len(seq))]``.  Other uses
(another ``r``, a sequence that is not a name or a ``range``) are left as they are (and refused as an
unknown function).
"""

import ast

from .source import fresh_names, name_ids, own_jumps, rewrite_statements, walk


def rewrite(forward):
    if not any(meaning in ("itertools", "itertools.combinations") for meaning in forward.env.values()):
        return
    fresh = fresh_names(set(name_ids(forward.func)) | {a.arg for a in forward.func.args.args})
    forward.func.body = rewrite_statements(forward.func.body, lambda stmt: _pairs(forward, stmt, fresh) or [stmt])
    _Lists(forward, fresh).visit(forward.func)
    ast.fix_missing_locations(forward.func)


class _Lists(ast.NodeTransformer):
    """The calls left, in comprehensions and as values, written as generators or lists of pairs."""

    def __init__(self, forward, fresh):
        self.forward, self.fresh = forward, fresh

    def _generators(self, node):
        self.generic_visit(node)
        generators = []
        for gen in node.generators:
            seq = _pair_sequence(self.forward, gen.iter)
            if seq is not None and _is_range(self.forward, seq) and not gen.is_async and \
                    isinstance(gen.target, ast.Tuple) and len(gen.target.elts) == 2 and \
                    all(isinstance(e, ast.Name) for e in gen.target.elts) and \
                    gen.target.elts[0].id != gen.target.elts[1].id:
                first, second = (e.id for e in gen.target.elts)
                start, stop = seq.args if len(seq.args) == 2 else [None, seq.args[0]]
                inner = ast.Call(ast.Name("range", ast.Load()),
                                 [ast.BinOp(ast.Name(first, ast.Load()), ast.Add(), ast.Constant(1)), stop], [])
                generators += [ast.comprehension(ast.Name(first, ast.Store()), seq, [], 0),
                               ast.comprehension(ast.Name(second, ast.Store()), inner, gen.ifs, 0)]
            else:
                generators.append(gen)
        node.generators = generators
        for sub in walk(node):
            ast.copy_location(sub, node)
        return node

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _generators

    def visit_Call(self, node):
        self.generic_visit(node)
        inner = node
        if isinstance(node.func, ast.Name) and node.func.id in ("list", "tuple") and \
                self.forward.env.get(node.func.id) == node.func.id and len(node.args) == 1 and not node.keywords:
            inner = node.args[0]
        seq = _pair_sequence(self.forward, inner)
        if seq is None:
            return node
        k, k1 = self.fresh("k"), self.fresh("k")
        if _is_range(self.forward, seq):
            stop = seq.args[-1]
            outer = seq
            pair = ast.Tuple([ast.Name(k, ast.Load()), ast.Name(k1, ast.Load())], ast.Load())
        elif isinstance(seq, ast.Name):
            stop = ast.Call(ast.Name("len", ast.Load()), [ast.Name(seq.id, ast.Load())], [])
            outer = ast.Call(ast.Name("range", ast.Load()), [stop], [])
            pair = ast.Tuple([ast.Subscript(ast.Name(seq.id, ast.Load()), ast.Name(k, ast.Load()), ast.Load()),
                              ast.Subscript(ast.Name(seq.id, ast.Load()), ast.Name(k1, ast.Load()), ast.Load())],
                             ast.Load())
        else:
            return node
        after = ast.Call(ast.Name("range", ast.Load()),
                         [ast.BinOp(ast.Name(k, ast.Load()), ast.Add(), ast.Constant(1)), stop], [])
        new = ast.ListComp(pair, [ast.comprehension(ast.Name(k, ast.Store()), outer, [], 0),
                                  ast.comprehension(ast.Name(k1, ast.Store()), after, [], 0)])
        for sub in walk(new):
            ast.copy_location(sub, node)
        return new


def _pair_sequence(forward, node):
    """The sequence of ``combinations(seq, 2)`` (r 2 written as a number), else None."""
    if not _is_combinations(forward, node) or any(isinstance(a, ast.Starred) for a in node.args) or not node.args:
        return None
    r = node.args[1] if len(node.args) == 2 else next((k.value for k in node.keywords if k.arg == "r"), None)
    if not (isinstance(r, ast.Constant) and r.value == 2 and not isinstance(r.value, bool)) or \
            len(node.args) + len(node.keywords) != 2:
        return None
    return node.args[0]


def _pairs(forward, stmt, fresh):
    """The statements ``stmt`` becomes, or None where it is not such a loop."""
    if not (isinstance(stmt, ast.For) and _is_combinations(forward, stmt.iter) and not stmt.orelse
            and isinstance(stmt.target, ast.Tuple) and len(stmt.target.elts) == 2
            and all(isinstance(e, ast.Name) for e in stmt.target.elts)
            and not own_jumps(stmt.body, (ast.Break,))):
        return None
    call = stmt.iter
    r = call.args[1] if len(call.args) == 2 else next((k.value for k in call.keywords if k.arg == "r"), None)
    if not (isinstance(r, ast.Constant) and r.value == 2 and not isinstance(r.value, bool)) or \
            len(call.args) + len(call.keywords) != 2 or not call.args:
        return None
    seq = call.args[0]
    first, second = (e.id for e in stmt.target.elts)
    before, body = [], []
    stored = {n.id for s in stmt.body for n in walk(s) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    if _is_range(forward, seq) and first != second and not {first, second} & stored:
        start, stop = (seq.args if len(seq.args) == 2 else [None, seq.args[0]])
        outer_range, index, index2 = seq, first, second
    else:
        if not isinstance(seq, ast.Name):
            name = fresh("seq")
            before.append(ast.Assign([ast.Name(name, ast.Store())], seq))
            seq = ast.Name(name, ast.Load())
        stop = ast.Call(ast.Name("len", ast.Load()), [ast.Name(seq.id, ast.Load())], [])
        outer_range = ast.Call(ast.Name("range", ast.Load()), [stop], [])
        index, index2 = fresh("k"), fresh("k")
        body = [ast.Assign([ast.Name(first, ast.Store())],
                           ast.Subscript(ast.Name(seq.id, ast.Load()), ast.Name(index, ast.Load()), ast.Load())),
                ast.Assign([ast.Name(second, ast.Store())],
                           ast.Subscript(ast.Name(seq.id, ast.Load()), ast.Name(index2, ast.Load()), ast.Load()))]
    after = ast.BinOp(ast.Name(index, ast.Load()), ast.Add(), ast.Constant(1))
    inner = ast.For(ast.Name(index2, ast.Store()), ast.Call(ast.Name("range", ast.Load()), [after, stop], []),
                    body + stmt.body, [])
    outer = ast.For(ast.Name(index, ast.Store()), outer_range, [inner], [])
    new = before + [outer]
    for node in new + [inner] + body:
        ast.copy_location(node, stmt)
    for node in new:
        ast.fix_missing_locations(node)
    return new


def _is_combinations(forward, node):
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Name):
        return forward.env.get(func.id) == "itertools.combinations"
    return isinstance(func, ast.Attribute) and func.attr == "combinations" and isinstance(func.value, ast.Name) \
        and forward.env.get(func.value.id) == "itertools"


def _is_range(forward, node):
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range" and \
        forward.env.get("range") == "range" and \
        1 <= len(node.args) <= 2 and not node.keywords and not any(isinstance(a, ast.Starred) for a in node.args)
