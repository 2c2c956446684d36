"""The constants of ``scipy.constants`` read as the numbers they are.

Contract: ``numbers(env) -> {name: text}`` gives, for each name the module binds to one of
``scipy.constants``' numbers (``from scipy.constants import h, c, k``), its value as Python writes
it (``6.62607015e-34``): a module constant, as ``G = 6.674e-11`` written at the top of the module
is, which the generated module writes at its top the same way.  ``rewrite(forward) -> None``
replaces in ``forward.func`` (in place) each read of such a number through the module
(``const.h`` of ``import scipy.constants as const``, ``scipy.constants.h``) by a name bound so, the
constant's own name (``h``) where the function, the module's imports, functions and constants use
that name for nothing else, else the module's name and the constant's (``const_h``).  The values are SciPy's, read where backgen runs; without
SciPy installed nothing is read so, and such names stay unknown (refused where read).  Other
things ``scipy.constants`` holds (``physical_constants``, ``value()``, ``convert_temperature``)
are not numbers and stay as they are.
"""

import ast
import importlib

from .source import fresh_names, meaning_of, walk, names_of

MODULE = "scipy.constants"


def _value(attribute):
    """The number ``scipy.constants.<attribute>`` holds, else None (no SciPy, or not a number)."""
    try:
        module = importlib.import_module(MODULE)
    except ImportError:
        return None
    value = getattr(module, attribute, None)
    return float(value) if type(value) in (float, int) else None


def numbers(env):
    """``{name: text}`` of the names ``env`` binds to ``scipy.constants``' numbers (see the module doc)."""
    found = {}
    for name, meaning in env.items():
        if isinstance(meaning, str) and meaning.startswith(MODULE + ".") and meaning.count(".") == 2:
            value = _value(meaning.rpartition(".")[2])
            if value is not None:
                found[name] = repr(value)
    return found


def rewrite(forward):
    """Name each read of a number through ``scipy.constants`` (see the module doc)."""
    reads = [node for node in walk(forward.func) if isinstance(node, ast.Attribute) and
             isinstance(node.ctx, ast.Load) and meaning_of(node.value, forward.env.get) == MODULE]
    if not reads:
        return
    used = names_of(forward.func) | {
        a.arg for a in walk(forward.func) if isinstance(a, ast.arg)} | set(forward.env) | set(forward.helpers) | \
        set(forward.constants)
    fresh = fresh_names(used, bare=True)
    named = {}
    replaced = {}
    for node in reads:
        value = _value(node.attr)
        if value is None:
            continue
        if node.attr not in named:
            spelt = ast.unparse(node.value).replace(".", "_")
            named[node.attr] = fresh(node.attr) if node.attr not in used else fresh(f"{spelt}_{node.attr}")
            forward.constants[named[node.attr]] = repr(value)
        replaced[id(node)] = named[node.attr]
    if not replaced:
        return

    class Named(ast.NodeTransformer):
        def visit_Attribute(self, node):
            if id(node) in replaced:
                return ast.copy_location(ast.Name(replaced[id(node)], ast.Load()), node)
            return self.generic_visit(node)
    Named().visit(forward.func)
