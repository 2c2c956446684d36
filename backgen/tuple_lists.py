"""A list written out of tuples, as the empty list and an append of each.

Contract: ``rewrite(func) -> None`` rewrites an ``ast.FunctionDef`` in place (before staging), in
every block.

``traj = [(S, I, R)]`` (the first state of a trajectory whose later states are appended as tuples,
``traj.append((S, I, R))``, then read by ``zip(*traj)`` or ``np.array(traj)``) is ``traj = []``
followed by ``traj.append((S, I, R))``, an append per item in order: the same new list of the same
tuples, in the form backgen follows as a list of tuples.  Only a statement binding one name to a
list display each of whose items is a tuple written out (no starred item, in the list or in a tuple),
not all of them numbers and strings written out (``dims = [(2, 4), (4,)]``, a constant), where the function
appends to that name (a list of pairs only read, ``params = [(W1, b1), (W2, b2)]``, is followed as it is).
"""

import ast

from .source import rewrite_statements, walk, written_out


def rewrite(func):
    """Write each list display of tuples bound to a name as appends (see the module doc)."""
    if not any(isinstance(n, ast.List) and n.elts and all(isinstance(e, ast.Tuple) for e in n.elts)
               for n in walk(func)):
        return

    appended = {n.func.value.id for n in walk(func) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                and n.func.attr == "append" and isinstance(n.func.value, ast.Name)}

    def each(stmt):
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, ast.List) and stmt.value.elts and all(
                    isinstance(e, ast.Tuple) and not any(isinstance(i, ast.Starred) for i in e.elts)
                    for e in stmt.value.elts)):
            return [stmt]
        if written_out(stmt.value) or stmt.targets[0].id not in appended:
            return [stmt]  # (dims = [(2, 4), (4,)]: numbers the code writes, read as constants)
        name = stmt.targets[0].id
        if any(isinstance(n, ast.Name) and n.id == name for e in stmt.value.elts for n in walk(e)):
            return [stmt]  # (traj = [(traj, x)]: the old value read as the new list is built)
        out = [ast.Assign([ast.Name(name, ast.Store())], ast.List([], ast.Load()))]
        out += [ast.Expr(ast.Call(ast.Attribute(ast.Name(name, ast.Load()), "append", ast.Load()), [item], []))
                for item in stmt.value.elts]
        for node in out:
            ast.copy_location(node, stmt)
            for inner in walk(node):
                if getattr(inner, "lineno", None) is None:  # (the items keep their own places)
                    ast.copy_location(inner, stmt)
        return out

    func.body = rewrite_statements(func.body, each)
