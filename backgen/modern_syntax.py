"""Match statements and assignment expressions written as the statements they stand for, before fencing.

Contract: ``rewrite(func, error)`` rewrites a function's AST in place (its nested defs too);
``named_expressions(func, error)`` does the last part alone (run again once comprehensions are loops):

* ``def f(x, w, /, b)``: positional-only parameters are parameters like the others (a call giving them
  by name would have failed in Python already): ``def f(x, w, b)``, the backward taking them alike;
* ``kind in ("tanh", "Tanh")`` (a tuple, list or set of strings, numbers, ``None`` or booleans written out)
  -> ``kind == "tanh" or kind == "Tanh"``, and ``not in`` -> ``!=`` joined by ``and``, where the left
  operand calls nothing (but a string's ``lower()``, ``upper()``, ``strip()``, ``casefold()``): the same test;
* ``match subject:`` on a setting, with ``case`` patterns of literals (``"relu"``, ``2``, ``-1``, ``Order.FIRST``),
  ``None``/``True``/``False``, ``|`` of those, ``as name``, a capture name or ``_``, and guards (``case "a" if
  flag:``) -> the ``if``/``elif``/``else`` chain it stands for: ``if subject == "relu": ...`` (``is`` for the
  singletons, ``or`` for ``|``, ``and guard`` after the pattern's test), a capture ``case q:`` the ``else``
  binding ``q = subject`` first.  The subject is read again in each test where it calls nothing
  (``kind``, ``x.ndim``, ``cfg.mode``); else it is bound to a fresh name first, as Python evaluates it once.
  Other patterns (sequences, mappings, classes) and a capture with a guard are refused at their line, and
  so is a match ending a function whose cases all return but none is ``case _:`` (Python returns None
  where none matches).
* (``casts(func, meaning)``) ``typing.cast(T, value)`` (``cast`` imported from ``typing``, ``meaning`` a
  function giving what a name means, ``Forward.env``'s ``get``) -> ``value``, which Python returns as it is;
* ``name := value`` evaluated whenever its statement runs, before anything in that statement reads
  ``name`` (an ``if``/``elif``/``assert`` test, a ``return``, an assignment's value, a call standing alone,
  the iterable of a ``for``) -> ``name = value`` just before the statement, which reads ``name`` there; in a
  ``while`` test, also at the end of the loop's body and before each of its ``continue``s (the test is
  evaluated again there).  One evaluated only on some paths (after ``and``/``or``, in a branch of a
  conditional expression) or after a read of ``name`` in its statement is refused at its line; one in a
  comprehension is left to be rewritten once the comprehension is the loop it is (``desugar``): its
  condition is then an ``if`` test, its element a call standing alone.
"""

import ast

from .source import ends_in, fresh_names, meaning_of, tree_copy, names_of, walk

_SKIPPED = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)  # (their own scopes/loops)


def rewrite(func, error):
    """Rewrite ``func``'s match statements and assignment expressions, and make its positional-only
    parameters plain ones (see the module's contract)."""
    kinds = {type(n) for n in walk(func)}
    for node in walk(func):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and node.args.posonlyargs:
            node.args.args[:0] = node.args.posonlyargs
            node.args.posonlyargs = []
    if ast.Compare in kinds:
        _Memberships().visit(func)
    if ast.Match in kinds:
        _ends_matched(func, error)
        used = names_of(func) | {a.arg for a in walk(func)
                                                                           if isinstance(a, ast.arg)}
        _Matches(error, fresh_names(used)).visit(func)
    if ast.NamedExpr in kinds:
        named_expressions(func, error)


def casts(func, meaning):
    """Each ``typing.cast(T, value)`` of ``func`` written ``value`` (see the module's contract)."""
    class Casts(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            if meaning_of(node.func, meaning) != "typing.cast" or any(isinstance(a, ast.Starred) for a in node.args):
                return node
            given = dict(zip(("typ", "val"), node.args), **{k.arg: k.value for k in node.keywords})
            return given["val"] if set(given) == {"typ", "val"} and len(node.args) + len(node.keywords) == 2 else node
    Casts().visit(func)


# --- match statements ----------------------------------------------------------------------------------


def _ends_matched(func, error):
    """Refuse a function (or a def in it) ending in a match whose cases all return (or raise) but that has
    no ``case _:``: where no case matches, Python returns None from it, which has no gradient."""
    for node in walk(func):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or not node.body:
            continue
        last = node.body[-1]
        if isinstance(last, ast.Match) and all(ends_in(case.body, (ast.Return, ast.Raise)) for case in last.cases) \
                and not any(case.guard is None and _irrefutable(case.pattern) for case in last.cases):
            raise error(f"{node.name}() ends in this match, which has no case _: where no case matches, Python "
                        f"returns None from {node.name}(), which has no gradient; end the match with case _: "
                        f"(returning a value, or raising ValueError(...))", last)


def _irrefutable(pattern):
    if isinstance(pattern, ast.MatchAs):
        return pattern.pattern is None or _irrefutable(pattern.pattern)
    return isinstance(pattern, ast.MatchOr) and any(map(_irrefutable, pattern.patterns))


class _Matches(ast.NodeTransformer):
    def __init__(self, error, fresh):
        self.error, self.fresh = error, fresh

    def visit_Match(self, node):
        self.generic_visit(node)  # (a match inside a case's body first)
        before = []
        subject = node.subject
        if any(isinstance(n, (ast.Call, ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom) + _SKIPPED)
               for n in walk(subject)):
            name = self.fresh("match_subject")
            before.append(ast.copy_location(ast.Assign([_name(name, ast.Store(), node)], subject), node))
            subject = ast.copy_location(ast.Name(name, ast.Load()), subject)
        chain = None
        tail = None  # the innermost if of the chain, whose orelse the next case fills
        for case in node.cases:
            test, binds = self._pattern(case.pattern, subject)
            if binds and case.guard is not None:
                raise self.error("a match case binding a name and testing a guard is not supported: test the "
                                 "subject in an if statement", case.pattern)
            body = [ast.copy_location(ast.Assign([_name(b, ast.Store(), case.pattern)], _at(subject, case.pattern)),
                                      case.pattern) for b in binds] + case.body
            if case.guard is not None:
                test = case.guard if test is None else ast.copy_location(ast.BoolOp(ast.And(), [test, case.guard]),
                                                                       case.pattern)
            if test is None:  # irrefutable (case _:, case name:): the else, and no case after it can run
                if tail is None:
                    before += body
                    return before
                tail.orelse = body
                break
            branch = ast.copy_location(ast.If(test, body, []), case.pattern)
            if tail is None:
                chain = branch
            else:
                tail.orelse = [branch]
            tail = branch
        if chain is not None:
            before.append(chain)
        if not before:
            before.append(ast.copy_location(ast.Pass(), node))
        return before

    def _pattern(self, pattern, subject):
        """``(test, names bound)`` of a case pattern: test None where it always matches."""
        if isinstance(pattern, ast.MatchAs):
            if pattern.pattern is None:
                return None, [pattern.name] if pattern.name else []
            test, binds = self._pattern(pattern.pattern, subject)
            return test, binds + [pattern.name]
        if isinstance(pattern, ast.MatchValue):
            return ast.copy_location(ast.Compare(_at(subject, pattern), [ast.Eq()], [pattern.value]), pattern), []
        if isinstance(pattern, ast.MatchSingleton):
            value = ast.copy_location(ast.Constant(pattern.value), pattern)
            return ast.copy_location(ast.Compare(_at(subject, pattern), [ast.Is()], [value]), pattern), []
        if isinstance(pattern, ast.MatchOr):
            tests = []
            for option in pattern.patterns:
                test, binds = self._pattern(option, subject)
                if binds:
                    raise self.error("a match pattern binding names inside | is not supported: bind the whole "
                                     "pattern (case \"a\" | \"b\" as kind:)", option)
                if test is None:
                    return None, []
                tests.append(test)
            return ast.copy_location(ast.BoolOp(ast.Or(), tests), pattern), []
        kind = {ast.MatchSequence: "sequence", ast.MatchMapping: "mapping", ast.MatchClass: "class",
                ast.MatchStar: "starred"}.get(type(pattern), type(pattern).__name__)
        raise self.error(f"{kind} patterns in match statements are not supported: backgen reads a match on a "
                         f"setting with literal patterns (case \"relu\":, case 2:, case None:, case \"a\" | \"b\":, "
                         f"case _:); test the subject in an if statement", pattern)


def _name(name, ctx, at):
    return ast.copy_location(ast.Name(name, ctx), at)


def _at(expr, at):
    """A copy of ``expr`` at the place of ``at`` (a test written at a case's pattern: errors point there)."""
    expr = tree_copy(expr)
    for node in walk(expr):
        if "lineno" in node._attributes:
            ast.copy_location(node, at)
    return expr


# --- membership in a display of constants --------------------------------------------------------------


_STRING_METHODS = frozenset({"lower", "upper", "strip", "casefold"})


class _Memberships(ast.NodeTransformer):
    def visit_Compare(self, node):
        self.generic_visit(node)
        if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.In, ast.NotIn)):
            return node
        display = node.comparators[0]
        if not isinstance(display, (ast.Tuple, ast.List, ast.Set)) or not display.elts or not all(
                isinstance(e, ast.Constant) and (e.value is None or type(e.value) in (str, int, float, bool))
                for e in display.elts):
            return node
        for sub in walk(node.left):
            if isinstance(sub, (ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom) + _SKIPPED) or \
                    isinstance(sub, ast.Call) and not (isinstance(sub.func, ast.Attribute) and
                                                       sub.func.attr in _STRING_METHODS and not sub.args):
                return node
        inside = isinstance(node.ops[0], ast.In)
        tests = [ast.copy_location(ast.Compare(_at(node.left, node.left), [ast.Eq() if inside else ast.NotEq()],
                                               [item]), node) for item in display.elts]
        if len(tests) == 1:
            return tests[0]
        return ast.copy_location(ast.BoolOp(ast.Or() if inside else ast.And(), tests), node)


# --- assignment expressions ----------------------------------------------------------------------------


def named_expressions(func, error):
    """Hoist each assignment expression of ``func`` outside comprehensions and lambdas into the
    assignment before its statement (see the module's contract)."""
    _hoist_block(func.body, error)


def statement_blocks(stmt, cases=True):
    """The blocks of statements ``stmt`` holds: its body, else and finally blocks, its handlers' bodies
    and (with ``cases``) a match's cases' bodies."""
    for field in ("body", "orelse", "finalbody"):
        block = getattr(stmt, field, None)
        if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
            yield block
    for handler in getattr(stmt, "handlers", ()):
        yield handler.body
    for case in getattr(stmt, "cases", ()) if cases else ():
        yield case.body


def _hoist_block(body, error):
    k = 0
    while k < len(body):
        stmt = body[k]
        for block in statement_blocks(stmt):
            _hoist_block(block, error)
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            k += 1
            continue
        hoisted = []
        for field in _EVALUATED.get(type(stmt), ()):
            found, value = _hoisted(getattr(stmt, field), error)
            setattr(stmt, field, value)
            hoisted += found
        if type(stmt) not in _EVALUATED:
            hoisted += _hoisted(stmt, error)[0]
        if isinstance(stmt, ast.While) and hoisted:
            again = lambda: [tree_copy(h) for h in hoisted]  # noqa: E731
            _before_continues(stmt.body, again)
            if not stmt.body or not isinstance(stmt.body[-1], (ast.Break, ast.Continue, ast.Return, ast.Raise)):
                stmt.body += again()
        body[k:k] = hoisted
        k += len(hoisted) + 1


_EVALUATED = {ast.If: ("test",), ast.While: ("test",), ast.For: ("iter",), ast.AsyncFor: ("iter",),
              ast.Try: (), getattr(ast, "TryStar", ast.Try): (), ast.With: (), ast.AsyncWith: ()}
# (the fields of the statements with blocks evaluated when they run, before their blocks, whose
# expressions in turn belong to their own statements; a with's items are left to the fence)


def _hoisted(root, error):
    """``(assignments, root)``: the assignments ``name = value`` of the assignment expressions in ``root``
    (one statement's expression, or the statement itself), each replaced there by ``name``."""
    found = []
    reads = set()  # the names read so far, in the order Python evaluates them

    def visit(node, conditional):
        if isinstance(node, _SKIPPED):
            if any(isinstance(n, ast.NamedExpr) for n in walk(node)) and conditional:
                raise error("an assignment expression (:=) in a comprehension evaluated only on some paths "
                            "is not supported: assign it before the statement", node)
            return
        if isinstance(node, ast.NamedExpr):
            before = set(reads)
            visit(node.value, conditional)  # (its reads move with it, before the statement)
            reads.clear()
            reads.update(before)
            if conditional:
                raise error(f"the assignment expression ({node.target.id} := ...) is evaluated only on some "
                            f"paths (after and/or, or in a branch of a conditional expression): this is not "
                            f"supported; assign {node.target.id} before the statement", node)
            if node.target.id in reads:
                raise error(f"{node.target.id} is read before the assignment expression ({node.target.id} := ...) "
                            f"in the same statement: this is not supported; assign it before the statement", node)
            found.append(ast.copy_location(ast.Assign([_name(node.target.id, ast.Store(), node.target)], node.value),
                                           node))
            reads.add(node.target.id)
            return
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            reads.add(node.id)
        if isinstance(node, ast.BoolOp):
            visit(node.values[0], conditional)
            for value in node.values[1:]:
                visit(value, True)
            return
        if isinstance(node, ast.Assert):  # (the message only where the test fails)
            visit(node.test, conditional)
            if node.msg is not None:
                visit(node.msg, True)
            return
        if isinstance(node, ast.IfExp):
            visit(node.test, conditional)
            visit(node.body, True)
            visit(node.orelse, True)
            return
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):  # (the value first, then the targets)
            if node.value is not None:
                visit(node.value, conditional)
            for target in getattr(node, "targets", None) or [node.target]:
                visit(target, conditional)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, conditional)

    visit(root, False)
    if found:
        found = [_Replace().visit(assign) for assign in found]  # ((a := (b := 1) + b): b = 1, then a = b + b)
        root = _Replace().visit(root)
    return found, root


class _Replace(ast.NodeTransformer):
    def visit_NamedExpr(self, node):
        return _name(node.target.id, ast.Load(), node)

    def _skip(self, node):
        return node

    visit_Lambda = visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _skip


def _before_continues(body, again):
    """Put ``again()`` before each ``continue`` of this loop in ``body`` (not those of loops inside it)."""
    k = 0
    while k < len(body):
        stmt = body[k]
        if isinstance(stmt, ast.Continue):
            added = again()
            body[k:k] = added
            k += len(added) + 1
            continue
        if not isinstance(stmt, (ast.For, ast.AsyncFor, ast.While, ast.FunctionDef, ast.AsyncFunctionDef,
                                 ast.ClassDef)):
            for block in statement_blocks(stmt, cases=False):
                _before_continues(block, again)
        elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):  # (a loop's else belongs to this loop)
            _before_continues(stmt.orelse, again)
        k += 1
