"""Writes into an entry just put into a list or dict, written into the value before it is put there.

Contract: ``rewrite(func)`` changes, in every block of ``func`` (nested functions not), each run of
statements that puts a value into a container's entry and then writes into that entry::

    xs[t] = np.zeros((V, 1))          ->   xs_t = np.zeros((V, 1))
    xs[t][inputs[t]] = 1                   xs_t[inputs[t]] = 1
                                           xs[t] = xs_t

The container is a name the function binds to new lists and dicts alone (``xs = {}``, ``[None] * T``:
an array's part written is a copy of the value, which a write after it does not reach), the key
(``t``) names, constants and arithmetic of them (no call, no index: nothing the writes between could
change), and the writes after (``=`` or ``op=``) have the target ``xs[t][...]`` spelled as the
first's; the entry ``xs[t]`` they read is the new name too, and they read ``xs`` no other way (no
name is bound between: ``:=``).  Python's meaning is the same: the entry is the very object the
first statement put there, which the writes change, and the container gets it at the end instead of
at the start, where nothing reads it between.  Left as it is where another name of the container
may exist (``e = xs`` anywhere in the function), since a read through it between would see the
entry missing.  The new name is the container's and the key's (``xs_t``), or ``xs_item``.
"""

import ast

from .source import fresh_names, tree_copy, names_of, walk


def rewrite(func):
    if not any(_nested_target(node) for node in walk(func)):
        return  # (most functions: no write into an entry of an entry)
    used = names_of(func) | \
        {a.arg for a in walk(func) if isinstance(a, ast.arg)}
    aliased = {n.value.id for n in walk(func) if isinstance(n, ast.Assign) and isinstance(n.value, ast.Name)} | \
        {t.id for n in walk(func) if isinstance(n, ast.Assign) and isinstance(n.value, ast.Name)
         for t in n.targets if isinstance(t, ast.Name)}
    aliased |= used - _containers(func)  # (an array's part written is a copy: a write after it is not the value's)
    fresh = fresh_names(used, bare=True)
    func.body = _block(func.body, aliased, fresh)
    for node in walk(func):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt) and node is not func and \
                    not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                setattr(node, field, _block(block, aliased, fresh))


def _containers(func):
    """The names the function binds to new lists and dicts alone (``xs = {}``, ``hs = [None] * T``,
    ``xs, hs = {}, {}``), never to anything else nor as parameters."""
    made, other = set(), {a.arg for a in walk(func.args) if isinstance(a, ast.arg)}
    assigned = set()  # (ids of the names assignments bind, told apart above)
    for node in walk(func):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                pairs = [(target, node.value)]
                if isinstance(target, (ast.Tuple, ast.List)) and isinstance(node.value, (ast.Tuple, ast.List)) and \
                        len(target.elts) == len(node.value.elts):
                    pairs = list(zip(target.elts, node.value.elts))
                for name, value in pairs:
                    if isinstance(name, ast.Name):
                        assigned.add(id(name))
                        (made if _new_container(value) else other).add(name.id)
    other |= {n.id for n in walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del))
              and id(n) not in assigned}  # (a loop's target, an op=, a with's name, one unpacked: bound otherwise)
    return made - other


def _new_container(value):
    """Whether ``value`` makes a new list or dict: a display (``{}``, ``[a, b]``), ``dict()``, ``list()``,
    or a list display repeated (``[None] * T``)."""
    if isinstance(value, (ast.Dict, ast.List)):
        return True
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mult):
        return isinstance(value.left, ast.List) or isinstance(value.right, ast.List)
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in ("dict", "list") \
        and not value.args and not value.keywords


def _nested_target(node):
    targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AugAssign) \
        else []
    return any(isinstance(t, ast.Subscript) and isinstance(t.value, ast.Subscript) for t in targets)


def _block(stmts, aliased, fresh):
    out, i = [], 0
    while i < len(stmts):
        stmt = stmts[i]
        entry = _entry_put(stmt, aliased)
        if entry is None:
            out.append(stmt)
            i += 1
            continue
        spelled = ast.dump(entry)
        run = []
        for later in stmts[i + 1:]:
            if not _writes_into(later, spelled, entry.value.id):
                break
            run.append(later)
        if not run:
            out.append(stmt)
            i += 1
            continue
        key = entry.slice
        name = fresh(f"{entry.value.id}_{key.id}" if isinstance(key, ast.Name) else f"{entry.value.id}_item")
        out.append(ast.copy_location(ast.Assign([ast.Name(name, ast.Store())], stmt.value), stmt))
        for later in run:
            out.append(_renamed(later, spelled, name))
        put = ast.Assign([ast.copy_location(ast.Subscript(ast.Name(entry.value.id, ast.Load()), tree_copy(key),
                                                          ast.Store()), entry)], ast.Name(name, ast.Load()))
        out.append(ast.fix_missing_locations(ast.copy_location(put, run[-1])))
        i += 1 + len(run)
    return out


def _entry_put(stmt, aliased):
    """The target ``c[k]`` of ``stmt``, ``c[k] = v`` of a container name ``c`` no other name may hold and a
    key of names and constants; else None."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Subscript)):
        return None
    target = stmt.targets[0]
    if not isinstance(target.value, ast.Name) or target.value.id in aliased or not _plain_key(target.slice) or \
            any(isinstance(n, ast.Name) and n.id == target.value.id for n in walk(target.slice)):
        return None
    return ast.Subscript(target.value, target.slice, ast.Load())


def _plain_key(node):
    return all(isinstance(n, (ast.Name, ast.Constant, ast.BinOp, ast.UnaryOp, ast.Tuple, ast.Load, ast.operator,
                              ast.unaryop)) for n in walk(node))


def _writes_into(stmt, spelled, container):
    """Whether ``stmt`` writes into a part of the entry ``spelled`` (its dump) and reads the container
    ``container`` through that entry alone."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
    elif isinstance(stmt, ast.AugAssign):
        target = stmt.target
    else:
        return False
    if not (isinstance(target, ast.Subscript) and ast.dump(_loaded(target.value)) == spelled):
        return False
    entries = {id(n.value) for n in walk(stmt) if isinstance(n, ast.Subscript) and
               ast.dump(_loaded(n)) == spelled}
    return not any(isinstance(n, ast.Name) and n.id == container and id(n) not in entries for n in walk(stmt)
                   if not (n is target.value.value)) and \
        not any(isinstance(n, ast.NamedExpr) or isinstance(n, (ast.Call, ast.Lambda)) and _reads_name(n, container)
                for n in walk(stmt))  # (no name bound between: the key's names stay)


def _reads_name(node, name):
    return any(isinstance(n, ast.Name) and n.id == name for n in walk(node))


def _loaded(node):
    """``node`` (a subscript) as a load: its dump compared whatever its context."""
    if isinstance(node, ast.Subscript):
        return ast.Subscript(_loaded(node.value), node.slice, ast.Load())
    if isinstance(node, ast.Name):
        return ast.Name(node.id, ast.Load())
    return node


def _renamed(stmt, spelled, name):
    """``stmt`` with each ``c[k]`` (the entry ``spelled``) the name ``name``."""

    class Renamed(ast.NodeTransformer):
        def visit_Subscript(self, node):
            if ast.dump(_loaded(node)) == spelled:
                return ast.copy_location(ast.Name(name, ast.Load()), node)
            return self.generic_visit(node)

    return ast.fix_missing_locations(Renamed().visit(stmt))
