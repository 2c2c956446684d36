"""Names that hold an array's dtype: ``input_dtype = x.dtype``, later ``y.astype(input_dtype)``.

Code that computes in another precision keeps the type it was given under a name of its own and casts
back to it at the end (an RMSNorm's ``hidden_states.astype(input_dtype)``).  A name every assignment of
which, in the forward and its helpers, is an attribute ``.dtype`` of something is read as that attribute
is: ``astype`` to it gives the same numbers as ``astype(x.dtype)`` does.
"""

import ast
from .source import walk


def dtype_names(func, helpers=None):
    """The names bound, by every assignment to them in ``func`` and the helpers' functions, only to
    ``<value>.dtype`` (never parameters, never bound otherwise)."""
    funcs = [func] + [h.func for h in (helpers or {}).values() if getattr(h, "func", None) is not None]
    bound, other = set(), set()
    for f in funcs:
        other.update(a.arg for a in f.args.args + f.args.kwonlyargs)
        for node in walk(f):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                is_dtype = isinstance(node.value, ast.Attribute) and node.value.attr == "dtype"
                (bound if is_dtype else other).add(node.targets[0].id)
            elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For, ast.With, ast.NamedExpr,
                                   ast.comprehension)):
                targets = node.targets if isinstance(node, ast.Assign) else \
                    [getattr(node, "target", None)] + [i.optional_vars for i in getattr(node, "items", [])]
                for t in targets:
                    if t is not None:
                        other.update(n.id for n in walk(t) if isinstance(n, ast.Name))
    return bound - other
