"""``np.gradient`` of an array of several axes, its parts unpacked, as one call per axis.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each statement ``gy, gx =
np.gradient(phi, dx)`` (a tuple of k names as the target, ``np.gradient`` of a function the
environment binds to NumPy, no ``axis`` given) by the k statements ``gy = np.gradient(phi, dx,
axis=0)``, ``gx = np.gradient(phi, dx, axis=1)``: NumPy's list of the k parts is the gradient along
each axis in turn, unpacked so (one spacing for every axis, or one per axis: ``np.gradient(phi, dy,
dx)``, the k-th for the k-th axis).  Only where the array and the spacings are names or numbers, none
of them among the targets (the statements read them after the first target is bound), and
``edge_order`` is the only other keyword.  An array of another number of axes than targets makes
NumPy raise at the first axis it lacks, or unpack something else (a vector's elements): the calls
along axes it has not raise as the code is staged, as Python would raise unpacking them.
"""

import ast

from .source import module_calls, rewrite_statements, tree_copy

SPELLED = frozenset({"gradient"})  # (parse runs this rewriter only where the function spells it)


def rewrite(forward):
    calls = module_calls(forward.env, "numpy", ("gradient",))
    if calls is None:
        return
    which, _ = calls

    def each(stmt):
        split = _split(stmt, which)
        return [stmt] if split is None else split
    forward.func.body = rewrite_statements(forward.func.body, each)


def _split(stmt, which):
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and
            isinstance(stmt.targets[0], (ast.Tuple, ast.List)) and isinstance(stmt.value, ast.Call) and
            which(stmt.value.func) == "gradient"):
        return None
    targets, call = stmt.targets[0].elts, stmt.value
    if len(targets) < 2 or not all(isinstance(t, ast.Name) for t in targets) or \
            len({t.id for t in targets}) != len(targets):
        return None
    if not call.args or any(isinstance(a, ast.Starred) for a in call.args) or \
            any(k.arg not in ("edge_order",) for k in call.keywords):
        return None  # (axis given: one part or a tuple of them; **kwargs: not known)
    if not all(isinstance(a, ast.Name) or isinstance(a, ast.Constant) and type(a.value) in (int, float)
               or isinstance(a, ast.UnaryOp) and isinstance(a.operand, ast.Constant) for a in call.args):
        return None
    read = {a.id for a in call.args if isinstance(a, ast.Name)}
    if read & {t.id for t in targets}:
        return None  # (phi, gx = np.gradient(phi): the second call would read the new phi)
    spacings = call.args[1:]
    if len(spacings) not in (0, 1, len(targets)):
        return None  # (NumPy raises: one spacing, or one per axis)
    out = []
    for k, target in enumerate(targets):
        spacing = spacings[k] if len(spacings) == len(targets) and len(targets) > 1 else \
            spacings[0] if spacings else None
        args = [tree_copy(call.args[0])] + ([tree_copy(spacing)] if spacing is not None else [])
        keywords = tree_copy(call.keywords) + [ast.keyword("axis", ast.Constant(k))]
        value = ast.copy_location(ast.Call(tree_copy(call.func), args, keywords), call)
        out.append(ast.fix_missing_locations(ast.copy_location(ast.Assign([tree_copy(target)], value), stmt)))
    return out
