"""Tail duplication: the code after a branch written into each of its paths.

Contract: ``split(func, lineno, col) -> ast.FunctionDef | None``.  Where a
name has one shape on one path of an ``if`` and another shape on the other
(``b = X.std(axis=1) if c else X``, or ``v = v * 2.0 + X`` in one branch), the
code after the branch reads a value of two shapes, for which backgen writes no
one line.  ``split`` takes the branch holding the place ``lineno``/``col``
(0-based column) and writes all that runs after it, up to the function's
return, into each of its paths, so that each path has one shape per value:

    if c:                    if c:
        A                        A
    else:           ->           REST
        B                    else:
    REST                         B
                                 REST

A statement whose value is a conditional expression (``b = X if c else s``,
``return a, (X if c else s)``) is first written as that ``if``.  The result is
the same program: the copies keep their line numbers (the code staged from
them still points at the user's lines), a path ending in ``return`` or
``raise`` (in a loop's body, ``break`` or ``continue``) gets nothing after it.
A branch in a loop's body gets what follows it in the same iteration only (up
to the body's end; the loop and what follows it are left as they were: the
next iteration is no tail), and nothing is split inside a ``with`` or a
``try``.  A conditional expression is written as an ``if`` only where what its
statement evaluates before it, and its test, have no effect the order could
change (no call but of NumPy's and math's functions and of methods that write
into nothing; ``layer(x if c else y)`` is written so, its call evaluated after
the test on each path as it was), or where it is the statement's whole value,
bound to names or returned (``a = X if layer(x) > 0 else Y``: nothing is
evaluated before its test, whatever the test does), and not in an operand of
``and``/``or`` after the first; where the whole statement has no effect, the
conditional expressions of the same test are written so together.  A path
the tail is written into that reads for sure a local name nothing on the way
to it binds (a loop written out under the test that it runs, ``if 0 <
len(X):``, where it does not run: the names only its body binds) ends in the
``UnboundLocalError`` Python raises there, at that read (or at a statement
before it that may read such a name, where none between them returns).  None
where the place is in no such branch, or the function would grow past
``MAX_NODES``.
"""

import ast

from .source import walk, tree_copy, names_of
from .tidy import _PURE_BUILTINS as TIDY_PURE_BUILTINS, _WRITING, _call_name

MAX_NODES = 4000  # AST nodes a function may grow to by splitting

_WRITING_METHODS = {"sort", "fill", "put", "resize", "itemset", "setfield", "partition", "byteswap", "append",
                    "extend", "insert", "pop", "remove", "clear", "update", "setdefault", "popitem", "add",
                    "setflags", "__setitem__", "__iadd__"}
_PURE_BUILTINS = TIDY_PURE_BUILTINS | {"range", "bool", "tuple", "list", "zip", "enumerate", "reversed", "sorted",
                                       "divmod", "isinstance"}
_STOPS = (ast.Return, ast.Raise, ast.Break, ast.Continue)  # (a loop's jumps: what follows in its body never runs)
_SIMPLE = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Expr)


def split(func, lineno, col, modules=("np", "numpy", "math")):
    """``func`` with the branch at ``lineno``/``col`` and all after it written once per path, or None."""
    func = tree_copy(func)
    body = _split_block(func.body, [], (lineno, col), set(modules))
    if body is None:
        return None
    func.body = body
    if sum(1 for _ in walk(func)) > MAX_NODES:
        return None
    _raise_unbound_reads(func)
    return ast.fix_missing_locations(func)


def _holds(stmt, place):
    """Whether ``place`` is in ``stmt``: in its span, or in a statement in it (a copy another rewrite
    moved into it, of a place of its own: a loop peeled written into the paths of an if of its body)."""
    return any((node.lineno, node.col_offset) <= place <= (node.end_lineno, node.end_col_offset)
               for node in walk(stmt) if isinstance(node, ast.stmt) and getattr(node, "end_lineno", None) is not None)


def _split_block(block, after, place, modules):
    """``block`` followed by ``after`` (the statements that run after it), with the innermost branch
    holding ``place`` split; None where there is none that can be."""
    split = _split_in(block, after, place, modules)
    return None if split is None else split[0]


def _split_in(block, after, place, modules):
    """``(statements, whole)``: ``block`` with the innermost branch holding ``place`` split, and
    whether ``after`` is in them (written into the paths), or the block is only that of a loop's body
    split inside it (``after`` still to run after it); None where there is no branch that can be."""
    for index, stmt in enumerate(block):
        if not _holds(stmt, place):
            continue
        rest = block[index + 1:]
        tail = rest if _ends(rest) else rest + after  # (what follows a block that returns never runs)
        if isinstance(stmt, ast.If):
            for field, other in (("body", "orelse"), ("orelse", "body")):
                if any(_holds(inner, place) for inner in getattr(stmt, field)):
                    deeper = _split_in(getattr(stmt, field), tail, place, modules)
                    if deeper is not None and not deeper[1]:  # split in a loop's body: the rest as it was
                        setattr(stmt, field, deeper[0])
                        return block[:index] + [_stretched(stmt)] + rest, False
                    if deeper is not None:  # a branch inside this one's: the tail goes into both paths
                        setattr(stmt, field, deeper[0])
                        setattr(stmt, other, _then(getattr(stmt, other), tail))
                        stmt.tail_split = True
                        return block[:index] + [_stretched(stmt)], True
            if tail:  # the place is in this if's branches (or test)
                return block[:index] + [_with_tail(stmt, tail)], True
            continue  # (split already: the place is also in a copy of it, further on)
        if isinstance(stmt, _SIMPLE):
            branch = _conditional(stmt, modules)
            if branch is not None:
                return block[:index] + [_with_tail(branch, tail)], True
        if isinstance(stmt, (ast.For, ast.While)) and any(_holds(inner, place) for inner in stmt.body):
            # a branch in a loop's body: what follows it in the same iteration written into its paths
            deeper = _split_in(stmt.body, [], place, modules)
            if deeper is not None:
                stmt.body = deeper[0]
                return block[:index] + [_stretched(stmt)] + rest, False
        # a statement without a conditional expression, a loop, with, try or def (whose tail is not only
        # what follows it): the place may be in a copy of it further on, on another path
    return None


def _with_tail(branch, tail):
    branch.body, branch.orelse = _then(branch.body, tail), _then(branch.orelse, tail)
    branch.tail_split = True  # (its paths' reads of names no path to them binds: see _raise_unbound_reads)
    return _stretched(branch)


_SCOPES = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_MATCH = (ast.Match,) if hasattr(ast, "Match") else ()
_BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers")


def _raise_unbound_reads(func):
    """Each path of an ``if`` written with its tail (in no loop) that reads, for sure, a local name no
    statement before it on that path binds, ends there in the ``UnboundLocalError`` Python raises:
    a loop written out under the test that it runs (``if 0 < len(X):``) leaves the names only its body
    binds unbound where it does not run, and the tail read there raises as the loop's reader did."""
    if any(isinstance(node, (ast.Global, ast.Nonlocal, ast.NamedExpr) + _MATCH) for node in walk(func)):
        return  # (names bound otherwise than by a statement of its own, or by patterns: left as they are)
    arguments = func.args
    params = {a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs} | \
        {a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None}
    local = params | {name for stmt in func.body for name in _bound_in(stmt)}
    _raise_in(func.body, set(params), local)


def _raise_in(block, bound, local):
    """``_raise_unbound_reads`` in ``block``, ``bound`` holding the names bound on the way to it (which
    it updates); in no loop, nor ``try`` or ``with`` (where no tail is split)."""
    for stmt in block:
        if isinstance(stmt, ast.If):
            if getattr(stmt, "tail_split", False):
                for field in ("body", "orelse"):
                    setattr(stmt, field, _until_unbound_read(getattr(stmt, field), set(bound), local))
            _raise_in(stmt.body, set(bound), local)  # (each path: what the other binds is not bound on it)
            _raise_in(stmt.orelse, set(bound), local)
        bound |= _bound_in(stmt)


def _statements(block):
    """Each statement of ``block`` and those in it, in the order they are written (not into functions
    or classes defined there)."""
    for stmt in block:
        yield stmt
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for field in _BLOCK_FIELDS:
            for item in getattr(stmt, field, None) or []:
                yield from _statements(item.body if isinstance(item, ast.ExceptHandler) else [item])


def _bound_in(stmt):
    """The names ``stmt`` and the statements in it bind (``_own_bound``)."""
    return {name for item in _statements([stmt]) for name in _own_bound(item)}


def _own_parts(stmt):
    """The nodes of ``stmt`` itself: not those of the blocks it holds, nor of the scopes of its own
    (lambdas, comprehensions)."""
    pending = [getattr(stmt, field) for field in stmt._fields if field not in _BLOCK_FIELDS]
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        pending = list(stmt.decorator_list)  # (its defaults too are read as it is defined)
    while pending:
        value = pending.pop()
        for node in value if isinstance(value, list) else [value]:
            if isinstance(node, ast.AST) and not isinstance(node, _SCOPES):
                yield node
                pending += [getattr(node, field) for field in node._fields]


def _own_bound(stmt):
    """The names ``stmt`` itself binds (or deletes), and those its ``except ... as`` clauses bind."""
    names = {node.id for node in _own_parts(stmt) if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load)}
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        names.add(stmt.name)
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        names |= {(alias.asname or alias.name).split(".")[0] for alias in stmt.names}
    return names | {handler.name for handler in getattr(stmt, "handlers", []) if handler.name}


def _until_unbound_read(statements, bound, local):
    """``statements`` (a path, ``bound``: the names bound on the way to it) where a simple statement
    of it reads for sure a name of ``local`` not bound by then: up to it, or to the first statement
    before it that may read such a name (the path raises, there or at the latest at that statement,
    where nothing between them returns), which becomes the raise."""
    first = None  # (the first statement that may read a name not bound by then)
    for index, stmt in enumerate(statements):
        inside = _bound_in(stmt)
        if isinstance(stmt, _SIMPLE):
            unbound = sorted(_sure_reads(stmt) & local - bound)
            if unbound:
                error = ast.Call(ast.Name("UnboundLocalError", ast.Load()), [ast.Constant(
                    f"cannot access local variable {unbound[0]!r} where it is not associated with a value")], [])
                if first is not None and not any(isinstance(node, ast.Return) for item in statements[first:index]
                                                 for node in walk(item)):
                    index = first  # (no path from there returns before the raise)
                return statements[:index] + [ast.copy_location(ast.Raise(exc=error, cause=None), statements[index])]
        if isinstance(stmt, _STOPS):
            break
        if first is None and names_of(stmt) & local - bound - \
                inside:
            first = index
        bound |= inside
    return statements


def _sure_reads(stmt):
    """The names ``stmt`` reads wherever it runs: not in a branch of a conditional expression, an
    operand of ``and``/``or`` after the first, a lambda or a comprehension."""
    reads, pending = set(), [stmt]
    if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
        reads.add(stmt.target.id)  # (x += v reads x first)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            reads.add(node.id)
        elif isinstance(node, ast.IfExp):
            pending.append(node.test)
        elif isinstance(node, ast.BoolOp):
            pending.append(node.values[0])
        elif isinstance(node, ast.AnnAssign):  # (a local name's annotation is never evaluated)
            pending += [node.target] + ([node.value] if node.value is not None else [])
        elif not isinstance(node, _SCOPES):
            pending += list(ast.iter_child_nodes(node))
    return reads


def _stretched(stmt):
    """``stmt``, its place ending where the last of what it now holds ends (the tail's copies are in it)."""
    ends = [(node.end_lineno, node.end_col_offset) for node in walk(stmt)
            if getattr(node, "end_lineno", None) is not None]
    stmt.end_lineno, stmt.end_col_offset = max(ends)
    return stmt


def _then(statements, tail):
    """``statements`` then a copy of ``tail``, unless they end the function (return, raise)."""
    return list(statements) if _ends(statements) else list(statements) + tree_copy(tail)


def _ends(statements):
    """Whether ``statements`` end the function on every path: a return or raise last, or an ``if``
    each of whose branches does."""
    last = statements[-1] if statements else None
    if isinstance(last, ast.If):
        return _ends(last.body) and _ends(last.orelse)
    return isinstance(last, _STOPS)


def _conditional(stmt, modules):
    """``stmt`` written as an ``if`` on its first conditional expression (outside comprehensions and
    lambdas): ``if c: <stmt with A> else: <stmt with B>``; None where it has none, or where what it
    evaluates before the test may have an effect."""
    found = _first_conditional(stmt)
    if found is None:
        return None
    parent, field, position, node = found
    if _pure(stmt, modules):  # (every conditional expression of the same test has its value: written so too)
        paths = [[_Chosen(ast.dump(node.test), branch).visit(tree_copy(stmt))] for branch in ("body", "orelse")]
        return ast.copy_location(ast.If(test=tree_copy(node.test), body=paths[0], orelse=paths[1]), stmt)
    if not _pure_before(stmt, node, modules):
        return None
    paths = []
    for value in (node.body, node.orelse):
        new = tree_copy(stmt)
        holder = _same_node(stmt, new, parent)
        if position is None:
            setattr(holder, field, tree_copy(value))
        else:
            getattr(holder, field)[position] = tree_copy(value)
        paths.append([new])
    return ast.copy_location(ast.If(test=tree_copy(node.test), body=paths[0], orelse=paths[1]), stmt)


def _first_conditional(stmt):
    """``(parent, field, index or None, node)`` of the first conditional expression in ``stmt``
    (outermost first), not inside a comprehension or lambda, nor in an operand of ``and``/``or``
    after the first (which may not be evaluated); None if none."""
    pending = [stmt]
    while pending:
        parent = pending.pop(0)
        for field, value in ast.iter_fields(parent):
            children = value if isinstance(value, list) else [value]
            for position, child in enumerate(children):
                if not isinstance(child, ast.AST):
                    continue
                if isinstance(child, ast.IfExp):
                    return parent, field, position if isinstance(value, list) else None, child
                if isinstance(child, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                    continue
                if isinstance(child, ast.BoolOp):  # (the operands after the first may not be evaluated)
                    if isinstance(child.values[0], ast.IfExp):
                        return child, "values", 0, child.values[0]
                    pending.append(child.values[0])
                    continue
                pending.append(child)
    return None


class _Chosen(ast.NodeTransformer):
    """Each conditional expression of the test ``key`` (an ``ast.dump``) replaced by its ``branch``
    (``"body"`` or ``"orelse"``), outside lambdas and comprehensions (whose names are their own)."""

    def __init__(self, key, branch):
        self.key, self.branch = key, branch

    def visit_IfExp(self, node):
        if ast.dump(node.test) == self.key:
            return self.visit(getattr(node, self.branch))
        return self.generic_visit(node)

    def visit_Lambda(self, node):
        return node

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_Lambda


def _same_node(original, copied, target):
    """The node of ``copied`` (a deep copy of ``original``) that stands where ``target`` is in ``original``."""
    for a, b in zip(walk(original), walk(copied)):
        if a is target:
            return b
    raise LookupError(target)


def _pure_before(stmt, node, modules):
    """Whether what ``stmt`` evaluates before the conditional expression ``node`` (what ends before it
    starts, an assignment's targets too) and its test can have no effect (``_pure``), or nothing is
    evaluated before it (the statement's whole value, bound to names or returned): written as an
    ``if``, the test is evaluated first, and what follows it is evaluated on each path as it was."""
    if any(isinstance(n, (ast.NamedExpr, ast.Yield, ast.YieldFrom, ast.Await)) for n in walk(stmt)):
        return False
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) \
        else [] if isinstance(stmt, (ast.Return, ast.Expr)) else None  # (op=: its target is read first)
    if stmt.value is node and targets is not None and all(
            isinstance(n, (ast.Name, ast.Tuple, ast.List, ast.Store)) for target in targets for n in walk(target)):
        return True  # (the statement's whole value, bound to names: nothing is evaluated before its test)
    start = (node.lineno, node.col_offset)
    before = [n for n in walk(stmt) if isinstance(n, ast.Call) and (
        getattr(n, "end_lineno", None) is None or (n.end_lineno, n.end_col_offset) <= start)]
    return _pure_nodes(before + list(walk(node.test)), modules)


def _pure(stmt, modules):
    """Whether evaluating ``stmt``'s expressions can have no effect but its own assignment: ``tidy``'s
    pure expressions (no ``out=``, no NumPy function that writes into an argument, ``np.add.at``), with
    more builtins and the methods that write into nothing (``X.mean()``, not ``X.sort()``)."""
    return _pure_nodes(walk(stmt), modules)


def _pure_nodes(nodes, modules):
    """Whether ``nodes`` (each node of some expressions) can have no effect (``_pure``)."""
    for node in nodes:
        if isinstance(node, (ast.NamedExpr, ast.Yield, ast.YieldFrom, ast.Await)):
            return False
        if isinstance(node, ast.Call):
            if any(keyword.arg == "out" for keyword in node.keywords):
                return False
            parts = (_call_name(node.func) or "").split(".")
            if parts[0] in modules and len(parts) > 1:
                if parts[-1] in _WRITING or parts[-1] in ("at", "shuffle"):
                    return False
            elif isinstance(node.func, ast.Attribute):
                if node.func.attr in _WRITING_METHODS:
                    return False
            elif not (isinstance(node.func, ast.Name) and node.func.id in _PURE_BUILTINS):
                return False
    return True
