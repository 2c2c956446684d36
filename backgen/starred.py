"""Assignments to a starred target, as the plain assignments they make.

Contract: ``rewrite(func) -> None`` rewrites an ``ast.FunctionDef`` in place (before tidying),
in every block; other statements, and starred targets it cannot write out so, are left as they
are (the fence refuses those).

* ``first, *rest, last = a, b, c, d`` (a tuple or list written out, no starred item in it) is
  ``first, rest, last = a, [b, c], d``: Python gives the starred name a list of the items left.
* ``x, *_ = value`` where the starred name is ``_`` or nothing reads it: the items named are
  taken by position, ``x = value[0]`` (and ``last = value[-1]`` for a name after the star); a
  value not a name (``np.linalg.lstsq(A, b)``) is computed once, so only with one name beside the
  star (``*_, logdet = np.linalg.slogdet(K)``).  (Python also checks there are enough items; where there are not, it
  raises, and there is no gradient to take.)
"""

import ast
import copy

from .source import walk


def rewrite(func):
    """Write out the starred assignments of ``func`` (see the module doc)."""
    if not any(isinstance(n, ast.Starred) and isinstance(n.ctx, ast.Store) for n in walk(func)):
        return
    read = {n.id for n in walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    _blocks(func, read)


def _blocks(node, read):
    for field in ("body", "orelse", "finalbody"):
        stmts = getattr(node, field, None)
        if isinstance(stmts, list) and stmts and isinstance(stmts[0], ast.stmt):
            out = []
            for stmt in stmts:
                _blocks(stmt, read)
                out.extend(_written(stmt, read) or [stmt])
            setattr(node, field, out)
    for handler in getattr(node, "handlers", ()):
        _blocks(handler, read)


def _written(stmt, read):
    """The assignments ``stmt`` makes (see the module doc), or None."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], (ast.Tuple, ast.List))):
        return None
    targets = stmt.targets[0].elts
    stars = [k for k, t in enumerate(targets) if isinstance(t, ast.Starred)]
    if len(stars) != 1 or not isinstance(targets[stars[0]].value, ast.Name):
        return None
    k, after = stars[0], len(targets) - stars[0] - 1
    starred = targets[k].value
    value = stmt.value
    if isinstance(value, (ast.Tuple, ast.List)) and not any(isinstance(e, ast.Starred) for e in value.elts):
        if len(value.elts) < len(targets) - 1:
            return None  # (Python raises: left to the fence)
        rest = value.elts[k:len(value.elts) - after]
        items = value.elts[:k] + [ast.copy_location(ast.List(rest, ast.Load()), value)] + \
            value.elts[len(value.elts) - after:]
        plain = [ast.copy_location(ast.Name(starred.id, ast.Store()), starred) if t is targets[k] else t
                 for t in targets]
        assign = ast.Assign([ast.copy_location(ast.Tuple(plain, ast.Store()), stmt.targets[0])],
                            ast.copy_location(ast.Tuple(items, ast.Load()), value))
        return [_located(assign, stmt)]
    if starred.id != "_" and starred.id in read:
        return None
    if not isinstance(value, ast.Name) and k + after != 1:
        return None
    out = []
    for position, target in enumerate(targets):
        if position == k:
            continue
        index = position if position < k else position - len(targets)
        item = ast.Subscript(copy.deepcopy(value), ast.Constant(index), ast.Load())
        out.append(_located(ast.Assign([target], item), stmt))
    return out


def _located(node, stmt):
    for child in ast.walk(node):
        if not hasattr(child, "lineno"):
            ast.copy_location(child, stmt)
    return node
