"""The user's functions a source file imports from the user's other files (CS231n's ``layer_utils.py``
importing ``from .layers import *``, its ``fc_net.py`` ``from ..layer_utils import *``).

Contract: ``imported(module, filename) -> {name: (source, path)}``: for each ``from ... import``
statement at the top level of ``module`` (the parsed source of the file at ``filename``) that names a
Python file of the user's, found beside ``filename`` as Python would find it when that file's
folder is where it runs or the package holding it (a relative import, ``from .layers import *``,
``from ..layers import *``; an absolute one, ``from layers import *`` or ``from cs231n.layers import
*``, looked up in the file's folder, then in each folder above it), the functions it brings in: every
function defined at that file's top level whose name has no leading underscore (those ``__all__``
lists, where the file writes it as a list or tuple of strings) for ``import *``, the functions named
for ``import a, b`` (an ``as`` name other than the function's own left out).  Each is read as a helper
from that file's text and path, with that file's own imports, as Python runs it there.  A name the
importing file binds again after the import (a ``def`` of its own, an assignment) is left to that
binding; a file that cannot be read, or does not parse, brings in nothing.  Modules installed outside
the user's folders (NumPy, SciPy) are not files found so and are read as before.
``module_calls(module, filename, func, counts, taken)`` does as much for a module of the user's imported whole
(``import layers as L``, then ``L.affine_forward(x, w, b)`` in ``func``).
"""

import ast
import os

from .errors import BackgenError


def imported(module, filename):
    if not filename or not os.path.isfile(filename):
        return {}
    folder = os.path.dirname(os.path.abspath(filename))
    found, order = {}, []
    for position, node in enumerate(module.body):
        if not (isinstance(node, ast.ImportFrom) and node.module is not None or
                isinstance(node, ast.ImportFrom) and node.level):
            continue
        path = _file_of(folder, node.module or "", node.level)
        if path is None or os.path.abspath(path) == os.path.abspath(filename):
            continue
        read = _read(path)
        if read is None:
            continue
        text, other, defined = read
        if any(alias.name == "*" for alias in node.names):
            names = _public(other, defined)
        else:
            names = [alias.name for alias in node.names if alias.name in defined and
                     (alias.asname is None or alias.asname == alias.name)]
        for name in names:
            found[name] = (text, path)
            order.append((name, position))
    later = _bound_after(module)
    return {name: value for name, value in found.items()
            if not any(at > position for at in later.get(name, ()) for n, position in order if n == name)}


def module_calls(module, filename, func, counts, taken):
    """``{name: (source, path)}`` of the functions ``func`` calls as attributes of a module of the user's
    that ``module`` imports whole (``import layers``, ``import layers as L``, then ``layers.affine_forward(x,
    w, b)``), found as ``imported`` finds files; each such call is made a call of the function by its
    name (in place), where ``taken`` (the names the module binds, and its helpers') leaves that name free
    and ``counts`` (how many times the module binds each name: ``parse._binding_counts``) says the
    module's name is bound by that import alone."""
    if not filename or not os.path.isfile(filename):
        return {}
    folder = os.path.dirname(os.path.abspath(filename))
    files = {}
    for node in module.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if "." in alias.name and alias.asname is None:
                    continue  # (import a.b binds a: its attribute b, a module, then its functions)
                name = alias.asname or alias.name
                path = _file_of(folder, alias.name, 0)
                if path is not None and counts.get(name) == 1 and os.path.abspath(path) != os.path.abspath(filename):
                    files[name] = path
    found = {}
    for name, path in files.items():
        read = _read(path)
        if read is None:
            continue
        text, _, defined = read
        for call in ast.walk(func):
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and \
                    isinstance(call.func.value, ast.Name) and call.func.value.id == name and \
                    call.func.attr in defined and call.func.attr not in taken and \
                    found.get(call.func.attr, (text, path)) == (text, path):
                found[call.func.attr] = (text, path)
                call.func = ast.copy_location(ast.Name(call.func.attr, ast.Load()), call.func)
    return found


def _read(path):
    """``(text, module, functions defined at its top level)`` of the file at ``path``; None where it cannot
    be read or does not parse (it brings nothing in)."""
    try:
        with open(path, "rb") as handle:
            from .parse import decode_source  # (parse imports this module)
            text = decode_source(handle.read(), path)
        other = ast.parse(text, path)
    except (OSError, SyntaxError, ValueError, BackgenError):
        return None
    return text, other, {n.name for n in other.body if isinstance(n, ast.FunctionDef)}


def _file_of(folder, dotted, level):
    """The ``.py`` file (or package ``__init__.py``) ``from <dots><dotted> import`` names, or None."""
    parts = [p for p in dotted.split(".") if p]
    if level:
        base = folder
        for _ in range(level - 1):
            base = os.path.dirname(base)
        return _in(base, parts)
    base = folder
    while True:
        path = _in(base, parts)
        if path is not None:
            return path
        parent = os.path.dirname(base)
        if parent == base:
            return None
        base = parent


def _in(base, parts):
    if not parts:
        return None
    stem = os.path.join(base, *parts)
    for path in (stem + ".py", os.path.join(stem, "__init__.py")):
        if os.path.isfile(path):
            return path
    return None


def _public(module, defined):
    """The names ``import *`` brings of the functions ``defined``: ``__all__``'s where the module writes
    it as a list or tuple of strings, else those without a leading underscore."""
    for node in module.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets) \
                and isinstance(node.value, (ast.List, ast.Tuple)) and all(
                    isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.value.elts):
            return [e.value for e in node.value.elts if e.value in defined]
    return sorted(name for name in defined if not name.startswith("_"))


def _bound_after(module):
    """``{name: [positions]}``: the statements of the module's top level binding each name otherwise than
    by ``from ... import`` (a def, a class, an assignment, another import)."""
    bound = {}
    for position, node in enumerate(module.body):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.setdefault(node.name, []).append(position)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                bound.setdefault(alias.asname or alias.name.split(".")[0], []).append(position)
        elif not isinstance(node, ast.ImportFrom):
            for sub in ast.walk(node):
                if isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load):
                    bound.setdefault(sub.id, []).append(position)
    return bound
