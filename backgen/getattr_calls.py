"""``getattr(np, "tanh")`` of a module and a name known as the function is read: the attribute itself.

Contract: ``rewrite(func, module_of, string_of) -> None`` rewrites ``func`` (in place): each call
``getattr(M, S)`` (or ``getattr(M, S, default)``) whose ``M`` is a name ``module_of`` says is NumPy or
``math`` (the module itself, or None) and whose ``S`` is a string written out or a name ``string_of``
gives the string of (a setting of the module, ``ACT = "tanh"``, that it binds once; or None), naming a
function of that module, becomes ``M.S`` (``np.tanh``), which ``function_aliases`` and the stager read as
any call of NumPy's or math's.  Not where the function binds ``getattr``, ``M`` or ``S`` itself; any
other ``getattr`` is left as it was (refused where staged: "only calls of named functions").
"""

import ast

from .source import walk


def rewrite(func, module_of, string_of):
    calls = [n for n in walk(func) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and
             n.func.id == "getattr" and len(n.args) in (2, 3) and not n.keywords]
    if not calls:
        return
    bound = {a.arg for a in walk(func.args) if isinstance(a, ast.arg)} | {
        n.id for n in walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    if "getattr" in bound:
        return
    found = {}
    for call in calls:
        owner, attr = call.args[:2]
        if not isinstance(owner, ast.Name) or owner.id in bound:
            continue
        module = module_of(owner.id)
        name = attr.value if isinstance(attr, ast.Constant) else \
            string_of(attr.id) if isinstance(attr, ast.Name) and attr.id not in bound else None
        if module is None or not isinstance(name, str) or not name.isidentifier() or name.startswith("_") or \
                not callable(getattr(module, name, None)) or isinstance(getattr(module, name), type):
            continue
        found[id(call)] = ast.copy_location(ast.Attribute(ast.copy_location(ast.Name(owner.id, ast.Load()), owner),
                                                          name, ast.Load()), call)
    if not found:
        return

    class Calls(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            return found.get(id(node), node)
    Calls().visit(func)
