"""Tests of a name against ``None`` decided where the code says what the name holds.

Contract: ``decide_none_tests(func) -> bool`` rewrites ``func`` (an
ast.FunctionDef) in place and says whether it changed it.  A name the
function sets to ``None`` (``acc = None``) is followed statement by
statement: it is ``None`` until a statement gives it a value that is
certainly not ``None`` (arithmetic, a NumPy call, an index, a literal, a
parameter annotated as a number or a shape: ``s: float``, ``X: "4, 3"``),
and unknown after a statement that may or may not (a branch of each kind,
a loop that may not run, a call of the user's own function).  Where it is
known, ``acc is None`` / ``acc is not None`` (in an ``if``, a ``while``'s
guard, a conditional expression; under ``not``, ``and``, ``or``) is
replaced by the branch it takes.  A loop whose first iteration sees the
name ``None`` and the others a value (the accumulator idiom, ``if acc is
None: acc = h else: acc = acc + h``) has that iteration written out before
it (``peel``), where the loop is known to run it (the shapes annotated decide
it too) or under the test that it
does: then every test is known.  A ``break`` in the loop leaves it: the paths
that take one start no iteration; a ``continue`` starts the next iteration from
what is known where it is.  Nothing is changed where one test stays
unknown: the stager then reports the ``None`` where it is read.
"""

import ast

from . import peel
from .source import name_ids, own_jumps, tree_copy, walk

_NONE, _VALUE = "none", "value"
_MODULES = {"np", "numpy", "math"}
_ARRAY_METHODS = {"sum", "mean", "max", "min", "prod", "std", "var", "dot", "copy", "reshape", "ravel", "flatten",
                  "transpose", "astype", "clip", "cumsum", "cumprod", "squeeze", "swapaxes", "argmax", "argmin"}


def decide_none_tests(func):
    """Decide ``func``'s tests against ``None`` (see the module); whether anything changed."""
    names = {t.id for node in walk(func) if isinstance(node, ast.Assign) and _is_none(node.value)
             for t in node.targets if isinstance(t, ast.Name)}
    tested = {node.left.id for node in walk(func) if _none_test(node) is not None
              for node in [node] if isinstance(node.left, ast.Name)}
    names &= tested
    if not names:
        return False
    params = {a.arg for a in func.args.posonlyargs + func.args.args + func.args.kwonlyargs}
    folder = _Folder(names - params, name_ids(func), func)
    given = {a.arg: _VALUE for a in func.args.posonlyargs + func.args.args + func.args.kwonlyargs
             if _annotated_value(a.annotation)}  # (s: float, X: "4, 3": a value, never None)
    body = folder.block(tree_copy(func.body), given)
    if not folder.changed or folder.undecided:
        return False
    func.body = body or [ast.Pass()]
    func.none_items = frozenset(folder.items & params)  # (their items taken for values: checked as called)
    ast.fix_missing_locations(func)
    return True


def holds_none(value):
    """Whether ``value`` (an argument) is a list, tuple or dict holding ``None`` at any depth: its items
    are not all values, as ``decide_none_tests`` took the items a loop binds or an index reads."""
    if isinstance(value, dict):
        value = list(value.values())
    if not isinstance(value, (list, tuple)):
        return False
    return any(item is None or holds_none(item) for item in value)


def _annotated_value(note):
    """Whether the annotation ``note`` of a parameter says it holds a number or an array: ``float``,
    ``int``, or a shape (``"4, 3"``)."""
    if isinstance(note, ast.Name):
        return note.id in ("float", "int")
    if isinstance(note, ast.Constant) and isinstance(note.value, str) and note.value.strip():
        return all(part.strip().isdigit() for part in note.value.split(","))
    return False


_ITERATING = frozenset({"enumerate", "zip", "reversed", "sorted", "list", "tuple"})


def _items_never_none(iterable):
    """Whether a loop over ``iterable`` binds items that are values, as an index of it is read
    (``for tag in tags``, ``enumerate(y)``, ``zip(xs, ys[1:])``, the rows of ``np.tanh(X)``): names,
    their attributes and indices, NumPy calls and the builtins that pass items along, no ``None``
    written in it (``for h in [None, x]`` binds ``None``)."""
    for node in walk(iterable):
        if isinstance(node, ast.Constant) and node.value is None or isinstance(node, (
                ast.Lambda, ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom, ast.Dict, ast.DictComp)):
            return False
        if isinstance(node, ast.Call) and not (
                isinstance(node.func, ast.Name) and node.func.id in _ITERATING or
                isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) and
                node.func.value.id in _MODULES):
            return False
    return True


def _is_none(node):
    return isinstance(node, ast.Constant) and node.value is None


def _none_test(node):
    """For ``x is None`` / ``x is not None`` (``None is x`` too): ``(x's node, True for is)``; else None."""
    if not isinstance(node, ast.Compare) or len(node.ops) != 1 or not isinstance(node.ops[0], (ast.Is, ast.IsNot)):
        return None
    left, right = node.left, node.comparators[0]
    if _is_none(left) and not _is_none(right):
        left, right = right, left
    if not _is_none(right):
        return None
    node.left, node.comparators = left, [right]  # (None is x read as x is None)
    return left, isinstance(node.ops[0], ast.Is)


def _merge(*states):
    """What is known after paths ending in ``states``: what all of them know alike."""
    first = states[0]
    return {name: kind for name, kind in first.items() if all(s.get(name) == kind for s in states[1:])}


class _Folder:
    def __init__(self, names, used, tree):
        self.names = names  # the names set to None, followed
        self.used = set(used)  # every name of the function (for the names peeling binds bounds to)
        self.tree = tree  # the function
        self.changed = False
        self.undecided = False  # a test of a followed name left unknown
        self.continued = [[]]  # per loop being walked (the innermost last): what is known at each continue
        self.items = set()  # the names whose items (y[t], for tag in y) are taken for values

    # -- statements ------------------------------------------------------------------------------

    def block(self, stmts, state):
        """``stmts`` with the tests decided, from what ``state`` ({name: kind}) knows at their start;
        ``state`` is updated to what is known at their end (on the paths that reach it)."""
        out = []
        for index, stmt in enumerate(stmts):
            if isinstance(stmt, (ast.For, ast.While)) and not getattr(stmt, "none_peeled", False) and \
                    self._peels(stmt, state):
                stmt.none_peeled = True  # (once: the loop left starts where the first iteration ends)
                written = peel._written_out(stmt, stmts[:index], self.used)
                if written is not None:
                    self.changed = True
                    out += self.block(self.known_to_run(written, stmts[:index]), state)
                    continue
            out += self.statement(stmt, state)
            if out and isinstance(out[-1], (ast.Return, ast.Raise, ast.Break, ast.Continue)):
                break  # (a branch taken that ends so: what follows never runs)
        return out

    def statement(self, stmt, state):
        if isinstance(stmt, ast.If):
            taken, stmt.test = self.decide(stmt.test, state)
            if taken is not None:
                self.changed = True
                return self.block(stmt.body if taken else stmt.orelse, state)
            self.expressions(stmt.test, state)
            then, other = dict(state), dict(state)
            stmt.body = self.block(stmt.body, then) or [ast.Pass()]
            stmt.orelse = self.block(stmt.orelse, other)
            state.clear()
            state.update(_merge(*[s for s, b in ((then, stmt.body), (other, stmt.orelse)) if not _leaves(b)]
                                or [then]))
            return [stmt]
        if isinstance(stmt, (ast.For, ast.While)):
            return [self.loop(stmt, state)]
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            return [stmt]
        if isinstance(stmt, (ast.Try, ast.With, ast.AsyncWith, ast.AsyncFor)) or hasattr(ast, "Match") and \
                isinstance(stmt, ast.Match):
            self.forget(stmt, state)
            return [stmt]
        if isinstance(stmt, ast.Continue):
            self.continued[-1].append(dict(state))  # (the next iteration starts from it)
            return [stmt]
        self.expressions(stmt, state)
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                self.bind(target, stmt.value, state)
            return [stmt]
        if isinstance(stmt, (ast.AugAssign, ast.AnnAssign)) and isinstance(stmt.target, ast.Name):
            value = stmt.value if isinstance(stmt, ast.AnnAssign) else None
            kind = _VALUE if value is None else self.kind(value, state)  # (op= of None raises: a value after)
            if isinstance(stmt, ast.AnnAssign) and stmt.value is None:
                return [stmt]
            if kind is None:
                state.pop(stmt.target.id, None)
            else:
                state[stmt.target.id] = kind
            return [stmt]
        self.forget(stmt, state)
        return [stmt]

    def loop(self, stmt, state):
        """A loop, its body decided from what holds at the start of every iteration (what holds before
        it and what its body leaves, alike); what is known after it: that, where the body has no jump."""
        if isinstance(stmt, ast.For):
            self.expressions(stmt.iter, state)  # (evaluated once, before the target is bound)
            self.forget(stmt.target, state)
        entry = self.iteration_start(stmt, state)
        if isinstance(stmt, ast.While):
            taken, test = self.decide(stmt.test, entry)
            stmt.test = stmt.test if taken else test
            if taken is False:  # never entered: its else clause alone
                self.changed = True
                return ast.copy_location(ast.If(test=ast.Constant(True), body=self.block(stmt.orelse, state)
                                                or [ast.Pass()], orelse=[]), stmt)
            self.expressions(stmt.test, entry)
        inner = self.bound_target(stmt, entry)
        self.continued.append([])  # (its own continues, not an enclosing loop's)
        try:
            stmt.body = self.block(stmt.body, inner) or [ast.Pass()]
        finally:
            self.continued.pop()
        after = dict(entry)
        stmt.orelse = self.block(stmt.orelse, after)
        state.clear()
        state.update(after if not own_jumps(stmt.body, (ast.Break,)) else  # (a continue: in the entry's
                     {k: v for k, v in after.items() if k not in _stored(stmt.body)})  # fixed point)
        return stmt

    def bound_target(self, stmt, state):
        """What is known as an iteration's body starts: ``state``, and a ``range`` loop's target a number."""
        state = dict(state)
        if isinstance(stmt, ast.For) and (isinstance(stmt.iter, ast.Call) and isinstance(stmt.iter.func, ast.Name)
                                          and stmt.iter.func.id == "range" or _items_never_none(stmt.iter)):
            state.update(dict.fromkeys(_stored([stmt.target]), _VALUE))
            self.items.update(n.id for n in walk(stmt.iter) if isinstance(n, ast.Name))
        return state

    def iteration_start(self, stmt, state):
        """What is known at the start of every iteration of ``stmt`` (and after it, its target unbound
        by it where it runs no iteration): the fixed point of entering with ``state`` and with what a
        pass of the body leaves (worked out on a copy, deciding nothing)."""
        entry = dict(state)
        if _continue_unwalked(stmt.body):  # (one the walk does not see, in a try or a with: forget what the
            return {k: v for k, v in entry.items() if k not in _stored(stmt.body)}  # body sets)
        # (a break leaves the loop: the paths that take one start no iteration, and an if's merge leaves
        # them out, as it does a path that returns; a continue starts the next one from what it knows)
        for _ in range(len(entry) + 1):  # (each pass that changes anything forgets a name)
            trial = _Folder(self.names, self.used, self.tree)
            ended = self.bound_target(stmt, entry)
            trial.block(tree_copy(stmt.body), ended)
            merged = _merge(entry, ended, *trial.continued[0])
            if merged == entry:
                return entry
            entry = merged
        return {}

    def known_to_run(self, written, before=()):
        """``written`` (a loop written out) with its test that the loop runs (``if 0 < len(X):``) left
        out where the shapes the function's annotations give decide it (``X: "4, 3"``), the bounds it
        binds first (``stop = X.shape[0] - 1``) computed from them too; as it is otherwise (a name
        the loop alone sets is then unset where it did not run, which the stager refuses to read)."""
        done = peel.known_to_run(written, peel.sizes(self.tree), before)
        if done is not written:
            self.changed = True
        return done

    def _peels(self, stmt, state):
        """Whether writing out the first iteration of the loop ``stmt`` decides a test in it: one of a
        name known before the loop, unknown at the start of every iteration."""
        entry = self.iteration_start(stmt, state)
        known = {name for name in state if name not in entry and name in self.names}
        return bool(known) and any(
            _none_test(node) is not None and isinstance(node.left, ast.Name) and node.left.id in known
            for node in walk(ast.Module(body=stmt.body, type_ignores=[])))

    def bind(self, target, value, state):
        """What ``target = value`` leaves known: a name takes the value's kind, the names of a tuple
        unpacked the kinds of a tuple's items (or values, from a ``.shape``), any other name stored
        nothing known."""
        if isinstance(target, ast.Name):
            kind = self.kind(value, state)
            if kind is None:
                state.pop(target.id, None)
            else:
                state[target.id] = kind
        elif isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List)) and \
                len(target.elts) == len(value.elts) and not any(isinstance(e, ast.Starred) for e in target.elts):
            for part, item in zip(target.elts, value.elts):
                self.bind(part, item, state)
        elif isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, ast.Attribute) and value.attr == "shape":
            for name in _stored([target]):
                state[name] = _VALUE  # (N, D = x.shape: numbers)
        else:
            self.forget(target, state)

    def forget(self, node, state):
        for name in _stored([node]):
            state.pop(name, None)

    # -- expressions -----------------------------------------------------------------------------

    def expressions(self, node, state):
        """Decide the conditional expressions in ``node`` (in place), but in a scope of their own
        (a comprehension's or a lambda's names may be other names)."""
        for parent in _outside_scopes(node):
            for field, value in ast.iter_fields(parent):
                if isinstance(value, ast.IfExp):
                    setattr(parent, field, self.if_expression(value, state))
                elif isinstance(value, list):
                    value[:] = [self.if_expression(v, state) if isinstance(v, ast.IfExp) else v for v in value]

    def if_expression(self, node, state):
        while isinstance(node, ast.IfExp):
            taken, node.test = self.decide(node.test, state)
            if taken is None:
                return node
            self.changed = True
            node = node.body if taken else node.orelse
        return node

    def decide(self, test, state):
        """``(taken, test)``: True or False where ``test`` is decided by what ``state`` knows (else None),
        and the test with the parts of an ``and`` / ``or`` that are decided and decide nothing taken out
        (``best is None or s > best`` where best holds a value: ``s > best``)."""
        simpler = self.simplified(test, state)
        if isinstance(simpler, bool):
            return simpler, test
        if simpler is not test:
            self.changed = True
        return None, simpler

    def simplified(self, test, state):
        """``test`` with what ``state`` knows: True, False, or an expression (``test`` itself where
        nothing is known); a test of a followed name left unknown is noted."""
        found = _none_test(test)
        if found is not None:
            name, is_test = found
            if not isinstance(name, ast.Name) or name.id not in self.names:
                return test
            kind = state.get(name.id)
            if kind is None:
                self.undecided = True
                return test
            return (kind == _NONE) == is_test
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            inner = self.simplified(test.operand, state)
            if isinstance(inner, bool):
                return not inner
            return test if inner is test.operand else ast.copy_location(ast.UnaryOp(ast.Not(), inner), test)
        if isinstance(test, ast.BoolOp):
            deciding = isinstance(test.op, ast.Or)  # (True decides an or, False an and)
            parts = [self.simplified(value, state) for value in test.values]
            if deciding in parts:
                return deciding
            left = [part for part in parts if not isinstance(part, bool)]
            if not left:
                return not deciding
            if len(left) == len(parts) and all(a is b for a, b in zip(left, test.values)):
                return test
            return left[0] if len(left) == 1 else ast.copy_location(ast.BoolOp(test.op, left), test)
        return test

    def kind(self, value, state):
        """``_NONE``, ``_VALUE`` or None (not known) for what the expression ``value`` gives."""
        if _is_none(value):
            return _NONE
        if isinstance(value, ast.Name):
            return state.get(value.id)
        if isinstance(value, ast.Constant):
            return _VALUE
        if isinstance(value, ast.Subscript):
            root = value
            while isinstance(root, ast.Subscript):
                root = root.value
            if isinstance(root, ast.Name):  # (y[t]: taken for a value, as the list's items are)
                self.items.add(root.id)
            return _VALUE
        if isinstance(value, (ast.BinOp, ast.UnaryOp, ast.Compare, ast.Tuple, ast.List,
                              ast.ListComp, ast.Dict)):
            return _VALUE  # (an operation gives a value, or raises on None; a display is never None)
        if isinstance(value, ast.IfExp):
            body, orelse = self.kind(value.body, state), self.kind(value.orelse, state)
            return body if body == orelse else None
        if isinstance(value, ast.Call) and _module_call(value.func):
            return _VALUE
        return None


def _module_call(func):
    """Whether ``func`` names a function of NumPy or math (``np.tanh``, ``np.linalg.norm``), an array
    method (``x.sum``, ``h.copy``) or a builtin giving a number: none returns None."""
    base = func
    while isinstance(base, ast.Attribute):
        base = base.value
    if isinstance(func, ast.Attribute) and isinstance(base, ast.Name) and base.id in _MODULES:
        return True
    if isinstance(func, ast.Attribute):
        return func.attr in _ARRAY_METHODS
    return isinstance(func, ast.Name) and func.id in ("float", "abs", "len", "sum", "max", "min", "int", "list")


def _outside_scopes(node):
    """The nodes of ``node`` (``node`` first), none inside a comprehension, a lambda or a def."""
    todo = [node]
    while todo:
        node = todo.pop()
        yield node
        todo += [child for child in ast.iter_child_nodes(node) if not isinstance(child, _SCOPES)]


_SCOPES = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Lambda, ast.FunctionDef,
           ast.AsyncFunctionDef, ast.ClassDef)


def _continue_unwalked(body):
    """Whether the loop body ``body`` holds a ``continue`` of its own inside a statement the walk
    does not go into (``try``, ``with``, ``match``): what is known there is not followed."""
    unwalked = (ast.Try, ast.With, ast.AsyncWith, ast.AsyncFor) + ((ast.Match,) if hasattr(ast, "Match") else ())
    if hasattr(ast, "TryStar"):
        unwalked += (ast.TryStar,)
    return any(isinstance(node, unwalked) and own_jumps([node], (ast.Continue,)) for stmt in body
               for node in _own_statements(stmt))


def _own_statements(stmt):
    """``stmt`` and the statements inside it that belong to the same loop iteration (not those of a
    loop inside it, but its ``else`` clause, nor of a function defined in it)."""
    yield stmt
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return
    fields = ("orelse",) if isinstance(stmt, (ast.For, ast.While, ast.AsyncFor)) else ("body", "orelse", "finalbody")
    for field in fields:
        for inner in getattr(stmt, field, None) or []:
            yield from _own_statements(inner)
    for handler in getattr(stmt, "handlers", None) or []:
        for inner in handler.body:
            yield from _own_statements(inner)


def _stored(stmts):
    return {node.id for stmt in stmts for node in walk(stmt) if isinstance(node, ast.Name)
            and isinstance(node.ctx, (ast.Store, ast.Del))}


def _leaves(stmts):
    """Whether the block ``stmts`` ends every path through it (a return, a raise, a jump) at its end."""
    return bool(stmts) and isinstance(stmts[-1], (ast.Return, ast.Raise, ast.Break, ast.Continue))
