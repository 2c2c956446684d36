"""Parameters that are entries of a matrix written out: numbers, where the shapes are not given.

Contract: ``entries(forward, names, depth=3)`` is the set of those of ``names`` whose values the
function writes (themselves, or values computed from them) as entries of a nested list or tuple given
to ``np.array`` (``np.asarray``) beside numbers written as constants, there or in the helpers of its
module it passes them to (as deep as ``depth`` calls).  A rotation about an axis,

    def rot_z(t):
        c, s = np.cos(t), np.sin(t)
        return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])

takes ``t`` for an angle: an array there makes rows of entries of several shapes, which NumPy
refuses.  The code for every shape (``shape_free``) takes such parameters for numbers where no
sample of arrays ran, the others arrays of every rank (a position rotated, ``rot_z(Omega) @ r``).
"""

import ast

from .source import walk

_MAKERS = ("array", "asarray", "asanyarray")


def _read(node):
    return {n.id for n in walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _displays(func):
    """The names read by the entries of each nested display given to ``np.array`` that also holds a
    number written as a constant."""
    found = set()
    for node in walk(func):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _MAKERS
                and node.args and isinstance(node.args[0], (ast.List, ast.Tuple))):
            continue
        display = node.args[0]
        if any(isinstance(sub, ast.Constant) and isinstance(sub.value, (int, float)) and not isinstance(sub.value, bool)
               for sub in walk(display)) and any(isinstance(sub, (ast.List, ast.Tuple)) for sub in display.elts):
            found |= _read(display)
    return found


def _sources(func, names):
    """``names`` and the names their values are computed from in ``func`` (in any order of its statements)."""
    found, changed = set(names), True
    binders = [n for n in walk(func) if isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign))
               and getattr(n, "value", None) is not None]
    while changed:
        changed = False
        for node in binders:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            bound = {sub.id for t in targets for sub in walk(t) if isinstance(sub, ast.Name)}
            if bound & found:
                new = _read(node.value) - found
                if new:
                    found |= new
                    changed = True
    return found


def entries(forward, names, depth=3):
    from .shape_free import passed_to_helpers  # (which imports this module)
    written = _displays(forward.func)
    if depth > 0 and forward.helpers:
        for helper, passed in passed_to_helpers(forward, lambda arg: frozenset(_read(arg)) or None):
            inner = entries(helper, [a.arg for a in helper.func.args.args], depth - 1)  # (rot(-t): t)
            written |= {name for param, names in passed.items() if param in inner for name in names}
    return set(names) & _sources(forward.func, written) if written else set()
