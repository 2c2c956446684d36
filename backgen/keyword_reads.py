"""``**kwargs`` read only by key with a default, spelled out as keyword parameters.

Contract: ``spelled_out(func)`` rewrites ``func`` (an ``ast.FunctionDef``) in place where its ``**kwargs``
is read only as ``kwargs.get("beta", 1.0)`` (a key that names no parameter, and no value the function binds
but by ``beta = kwargs.get("beta", 1.0)``, with one default): the ``**kwargs``
becomes keyword-only parameters, one per key, ``beta=1.0``, and each such read the name ``beta``.  A
caller's ``loss_fn(x, beta=4.0)`` then binds ``beta`` as Python binds the key, and a call without it
takes the default, as ``get`` gives it.  It returns whether it rewrote anything; ``**kwargs`` read any
other way (``kwargs["beta"]``, passed on, iterated) is left as it was, for the caller to refuse.
"""

import ast
from .source import walk


def spelled_out(func):
    kwarg = func.args.kwarg
    if kwarg is None:
        return False
    name = kwarg.arg
    reads = [node for node in walk(func) if isinstance(node, ast.Name) and node.id == name]
    gets = [node for node in walk(func) if _get(node, name)]
    if not gets or len(gets) != len(reads):  # (read otherwise too: left as it was)
        return False
    defaults = {}
    for node in gets:
        key, default = node.args[0].value, node.args[1] if len(node.args) > 1 else None
        if default is None or not key.isidentifier() or key == name:
            return False
        if key in defaults and ast.dump(defaults[key]) != ast.dump(default):  # (two defaults for one key)
            return False
        defaults[key] = default
    own = {id(node.targets[0]) for node in walk(func) if isinstance(node, ast.Assign) and len(node.targets) == 1
           and isinstance(node.targets[0], ast.Name) and _get(node.value, name)
           and node.targets[0].id == node.value.args[0].value}  # (beta = kwargs.get("beta", 1.0): the key's own)
    for node in walk(func):
        if isinstance(node, ast.Name) and node.id in defaults and not isinstance(node.ctx, ast.Load) and \
                id(node) not in own:
            return False  # (bound otherwise too: its reads would change meaning)
    if any(a.arg in defaults for a in func.args.args + func.args.kwonlyargs + func.args.posonlyargs):
        return False
    _Replace(name).visit(func)
    func.args.kwarg = None
    func.args.kwonlyargs = func.args.kwonlyargs + [ast.arg(arg=key) for key in defaults]
    func.args.kw_defaults = func.args.kw_defaults + list(defaults.values())
    ast.fix_missing_locations(func)
    return True


def _get(node, name):
    """Whether ``node`` is ``name.get("key", default)``, the key a string written out."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and \
        isinstance(node.func.value, ast.Name) and node.func.value.id == name and not node.keywords and \
        1 <= len(node.args) <= 2 and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)


class _Replace(ast.NodeTransformer):
    def __init__(self, name):
        self.name = name

    def visit_Call(self, node):
        if _get(node, self.name):
            return ast.copy_location(ast.Name(id=node.args[0].value, ctx=ast.Load()), node)
        return self.generic_visit(node)
