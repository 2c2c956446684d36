"""Searches a loop narrows by decisions alone: bisection and bracketing, refused.

Contract: ``refuse_searches(func, wrt, error)`` raises ``error(message, node)`` (a ``BackgenError``)
where ``func`` has a loop that narrows a bracket by tests of the differentiated parameters ``wrt``,
and returns otherwise.  Bisection for Kepler's equation,

    lo, hi = 0.0, 2 * math.pi
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if mid - e * math.sin(mid) - M > 0:
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)

returns a number that follows the root E(M, e) closely, but through the tests alone: its values are
made of constants, so its derivative along each path is 0 (a staircase of steps of 2 pi / 2^60),
where the root's is not.  A gradient written for the code would be 0, or leave out the root's
share, silently wrong for what the code computes.  So too where the bracket moves with a parameter
(``lo, hi = 0.0, max(1.0, x)`` for the square root of ``x``): the code's derivative between the
decisions is the bracket's motion, not the root's.  Such a loop is recognized by its values: a name
the loop carries (assigned in it and read in it) is set under a test that reads a differentiated
parameter (or a value computed from one) to a value that combines two or more such names by
arithmetic, a point between them (an affine combination whose weights add up to 1, ``mid = 0.5 * (lo +
hi)``: the bracket's ends; not a sum, ``s = s + a``, nor a step an integrator scales by the error it
computes from them), there or through the loop's own names,
and reads no other value computed from a parameter (a running mean of the data it passes, ``m = (m *
n + x) / (n + 1)``, reads ``x``); ``np.where(test, mid, lo)`` (vectorized bisection) and ``mid if test
else lo`` are read as the ``if``.  A value set so from one such name alone (a step halved, ``step *=
0.5``; a counter, ``k += 1``), from none (a clamp, ``x = L``) or without arithmetic (a swap, ``a, b =
b, a``) keeps the derivative of the function's own pieces, and is not refused.

Which names carry a differentiated parameter's value is decided over the whole function, in any
order of its statements (an assignment reading one makes its targets carry it), which may take a
name for one that carries it where it does not, never the other way.
"""

import ast

from .source import walk

_LOOPS = (ast.For, ast.While, ast.AsyncFor)


_SHAPE_ONLY = {"zeros_like", "ones_like", "empty_like", "shape", "ndim", "size", "len"}  # (read for a shape)


def _names(node):
    """The names ``node`` reads for their values (not for a shape only: ``np.zeros_like(M)``, ``len(xs)``,
    ``x.shape``; ``np.full_like(M, v)`` reads ``v``)."""
    if node is None:
        return set()
    found, todo = set(), [node]
    while todo:
        sub = todo.pop()
        if isinstance(sub, ast.Name):
            if isinstance(sub.ctx, ast.Load):
                found.add(sub.id)
            continue
        if isinstance(sub, ast.Attribute) and sub.attr in ("shape", "ndim", "size", "dtype"):
            continue
        if isinstance(sub, ast.Call):
            called = sub.func.attr if isinstance(sub.func, ast.Attribute) else getattr(sub.func, "id", None)
            if called in _SHAPE_ONLY:
                continue
            if called == "full_like":
                todo.extend(sub.args[1:] + [k.value for k in sub.keywords])
                continue
        todo.extend(ast.iter_child_nodes(sub))
    return found


def _targets(node):
    """The names an assignment (or a loop's target) binds."""
    found = set()
    for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
        for sub in walk(target):
            if isinstance(sub, ast.Name):
                found.add(sub.id)
    return found


def _carrying(func, wrt):
    """The names whose values may be computed from those of ``wrt`` (in any order of the statements; a
    choice's test, ``np.where(f > 0, lo, mid)``'s ``f > 0``, passes no value on)."""
    carrying = set(wrt)
    binders = [n for n in walk(func) if isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For,
                                                       ast.NamedExpr))]
    changed = True
    while changed:
        changed = False
        for node in binders:
            value = node.iter if isinstance(node, ast.For) else node.value
            read = _names(_chosen(value)) | (_names(node.target) if isinstance(node, ast.AugAssign) else set())
            if isinstance(node, ast.Assign):  # (x[i] = v: x carries what v does)
                read |= {n for t in node.targets if not isinstance(t, ast.Name) for n in _names(t)}
            if read & carrying:
                new = _targets(node) - carrying
                if new:
                    carrying |= new
                    changed = True
    return carrying


def _decided(loop, carrying):
    """``(name, value, test)`` for each assignment in ``loop`` of a value to a name under a test that
    reads ``carrying`` (an ``if``'s, ``np.where``'s, a conditional expression's)."""
    for node in walk(loop):
        if isinstance(node, ast.If) and _names(node.test) & carrying:
            for branch in (node.body, node.orelse):
                for statement in branch:
                    if isinstance(statement, (ast.Assign, ast.AugAssign)):
                        for name in _targets(statement):
                            value = statement.value if isinstance(statement, ast.Assign) else \
                                ast.BinOp(ast.Name(name, ast.Load()), statement.op, statement.value)
                            yield name, value, node.test
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = node.value
            if isinstance(value, ast.IfExp) and _names(value.test) & carrying:
                yield node.targets[0].id, ast.Tuple([value.body, value.orelse], ast.Load()), value.test
            elif isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "where" \
                    and len(value.args) == 3 and _names(value.args[0]) & carrying:
                yield node.targets[0].id, ast.Tuple(list(value.args[1:]), ast.Load()), value.args[0]


def _chosen(value):
    """The values ``value`` chooses between where it is a choice (``np.where(c, a, b)``, ``a if c else b``:
    ``a`` and ``b``, its test left out), else ``value``."""
    if isinstance(value, ast.IfExp):
        return ast.Tuple([value.body, value.orelse], ast.Load())
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "where" \
            and len(value.args) == 3:
        return ast.Tuple(list(value.args[1:]), ast.Load())
    return value


def _local_sources(loop):
    """For each name ``loop`` assigns, the names its values there read (of a choice, those of its
    branches)."""
    sources = {}
    for node in walk(loop):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and node.value is not None:
            read = _names(_chosen(node.value)) | (_names(node.target) if isinstance(node, ast.AugAssign) else set())
            for name in _targets(node):
                sources.setdefault(name, set()).update(read)
    return sources


def _reached(names, sources):
    """The names ``names`` read, through the loop's own assignments."""
    seen, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(sources.get(name, ()))
    return seen


def _values(loop):
    """For each name ``loop`` assigns, the values it assigns there (of a choice, its branches)."""
    values = {}
    for node in walk(loop):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and node.value is not None:
            for name in _targets(node):
                value = _chosen(node.value)
                if isinstance(node, ast.AugAssign):
                    value = ast.BinOp(ast.Name(name, ast.Load()), node.op, value)
                values.setdefault(name, []).append(value)
    return values


def _mixes(value, narrowed, values, seen=frozenset()):
    """Whether ``value`` combines two or more of ``narrowed`` by arithmetic (``0.5 * (lo + hi)``), itself or
    through the values the loop gives the names it reads (``hi = mid``)."""
    if any(isinstance(sub, ast.BinOp) and len(_names(sub) & narrowed) >= 2 for sub in walk(value)):
        return True
    return any(_mixes(v, narrowed, values, seen | {name}) for name in _names(value) - seen
               for v in values.get(name, ()))


def _between(value, narrowed, values):
    """Whether ``value`` is a point between the ends ``narrowed``: an affine combination of them whose
    weights add up to 1 (``0.5 * (lo + hi)``, ``hi - (hi - lo) * invphi``), itself or through the values
    the loop gives the names it reads, each factor reading none of them.  Not a sum (``s = s + a``, weights
    adding up to 2), nor a step a test scales by what it computes from them (an integrator's ``h * 0.9 *
    (tol / err) ** 0.2``): their derivative between the decisions is the function's own.  The factors are
    tried at two sets of values (a weight of ``1 - invphi`` is 1 at none of them alone)."""
    def free(node, seen):  # (reads none of narrowed, nor a name the loop computes from them)
        return not any(name in narrowed or name not in seen and any(not free(v, seen | {name})
                                                                    for v in values.get(name, ()))
                       for name in _names(node))

    def weight(node, seen, factor):  # the sum of the weights of narrowed in node, or None where not affine
        if isinstance(node, ast.Tuple):
            found = {weight(e, seen, factor) for e in node.elts}
            return found.pop() if len(found) == 1 else None
        if isinstance(node, ast.Name) and (node.id in narrowed or node.id in seen):
            return 1.0 if node.id in narrowed else None
        if isinstance(node, ast.Name) and node.id in values:
            found = {weight(_chosen(v), seen | {node.id}, factor) for v in values[node.id]}
            return found.pop() if len(found) == 1 else None
        if free(node, seen):
            return 0.0
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = weight(node.operand, seen, factor)
            return None if inner is None else -inner if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            left, right = weight(node.left, seen, factor), weight(node.right, seen, factor)
            return None if left is None or right is None else left + right if isinstance(node.op, ast.Add) \
                else left - right
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Div)):
            if free(node.right, seen):
                inner = weight(node.left, seen, factor)
                k = factor(node.right)
                return None if inner is None else inner * k if isinstance(node.op, ast.Mult) else inner / k
            if isinstance(node.op, ast.Mult) and free(node.left, seen):
                inner = weight(node.right, seen, factor)
                return None if inner is None else inner * factor(node.left)
        return None

    def factor_at(shift):
        def factor(node):  # a number written stands for itself, another factor for a value of its own
            if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
                return float(node.value)
            text = ast.dump(node)
            return 0.3 + shift + (sum(map(ord, text)) % 97) / 101
        return factor

    chosen = _chosen(value)
    found = [weight(chosen, frozenset(), factor_at(shift)) for shift in (0.0, 0.45)]
    return all(w is not None and abs(w - 1.0) < 1e-9 for w in found)


def refuse_searches(func, wrt, error):
    if not wrt or tuple(wrt) in getattr(func, "searches_checked", ()):  # (staged again and again: checked once)
        return
    _refuse(func, wrt, error)
    func.searches_checked = getattr(func, "searches_checked", frozenset()) | {tuple(wrt)}


def _refuse(func, wrt, error):
    if not any(isinstance(n, _LOOPS) for n in walk(func)):
        return
    carrying = None
    for loop in (n for n in walk(func) if isinstance(n, _LOOPS)):
        if not any(isinstance(n, (ast.If, ast.IfExp, ast.Call)) for n in walk(loop)):
            continue
        carrying = _carrying(func, wrt) if carrying is None else carrying
        decided = list(_decided(loop, carrying))
        if not decided:
            continue
        sources, values = _local_sources(loop), _values(loop)
        read_in_loop = _names(loop)
        narrowed = {name for name, _, _ in decided if name in read_in_loop}
        for name, value, test in decided:
            reached = _reached(_names(value), sources)
            ends = reached & narrowed
            if name in narrowed and len(ends) >= 2 and not (reached & carrying) - set(sources) and \
                    _mixes(value, narrowed, values) and _between(value, narrowed, values):
                params = sorted(_names(test) & set(wrt)) or sorted(_reached(_names(test), sources) & set(wrt)) \
                    or sorted(set(wrt))
                raise error(f"{name} is chosen at each step of this loop by a test of {', '.join(params)}, "
                            f"narrowing {' and '.join(sorted(ends))} (a bisection or bracketing search): its "
                            "value follows the root it approaches through the decisions, whose derivative "
                            "between them (the bracket's own, 0 where its ends are constants) is not the "
                            "root's; backgen does not differentiate such a search: solve with Newton's "
                            "iterations, whose steps it differentiates, or write the root's gradient "
                            "(implicit differentiation) by hand", test)
