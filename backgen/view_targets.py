"""Writes into a view no name holds, written as writes into a name holding that view.

Contract: ``rewrite(func)`` changes each statement of ``func`` (nested blocks included, nested
functions not) whose target is a part of a view taken in the target itself::

    y.T[0] = v            ->   y_view = y.T; y_view[0] = v
    K.flat[::4] += v      ->   K_flat = K.ravel().copy(); K_flat[::4] += v; K[...] = K_flat.reshape(K.shape)
    u = K.flat[::4]       ->   u = K.ravel()[::4].copy()   (a read: the new array the flat iterator gives)
    np.flip(z)[0] = v     ->   z_view = np.flip(z); z_view[0] = v
    B[0:2][:, 1] += v     ->   B_view = B[0:2]; B_view[:, 1] += v

so that the stager's memory model follows the write into the array the view shares (``memory``):
exactly as it does where the user names the view, and refused alike where it cannot be.  Only
views spelled from a name by basic or advanced indexing (an advanced index copies, which the
model knows), ``.T``, the view methods (``transpose``, ``swapaxes``, ``reshape``, ``ravel``,
``squeeze``) and NumPy's view functions (``np.flip``, ``np.transpose``, ... of ``memory.VIEWS``)
are rewritten; an index by a string (a dict's entry) or any other spelling is left to the
fence, which refuses it.  Python evaluates the value of ``t[i] = v`` before the target: a value
calling a function of the user's own (which might write into arrays) is given a name first.
"""

import ast

from .memory import VIEWS
from .source import rewrite_statements, statements, names_of, walk

_METHODS = frozenset({"transpose", "swapaxes", "reshape", "ravel", "squeeze"})
_FUNCTIONS = frozenset(name.rpartition(".")[2] for name in VIEWS if name.startswith("np."))


def rewrite(func):
    _flat_reads(func)
    if not any(_candidate(node) for node in statements(func)):
        return  # (most functions: no target is a part of an unnamed view)
    taken = names_of(func) | {a.arg for a in walk(func)
                                                                         if isinstance(a, ast.arg)}
    named = {}
    func.body = rewrite_statements(func.body, lambda stmt: _written(stmt, taken, named))
    func.view_names = named  # (y_view -> ("np.flip(y)", line): spelled so in errors, ``spelled_views``)


def _flat_reads(func):
    """``x.flat[i]`` read (not written into) as ``x.ravel()[i].copy()``: the elements in C order, a new
    array as the flat iterator's index gives (a number for one element)."""
    class Reads(ast.NodeTransformer):
        def visit_FunctionDef(self, node):
            return node if node is not func else self.generic_visit(node)

        visit_AsyncFunctionDef = visit_Lambda = visit_FunctionDef

        def visit_Subscript(self, node):
            self.generic_visit(node)
            if not (isinstance(node.ctx, ast.Load) and _flat_of(node) is not None):
                return node
            owner = node.value.value
            ravel = ast.Call(ast.Attribute(owner, "ravel", ast.Load()), [], [])
            read = ast.Subscript(ravel, node.slice, ast.Load())
            copied = ast.Call(ast.Attribute(read, "copy", ast.Load()), [], [])
            for part in (ravel, ravel.func, read, copied, copied.func):
                ast.copy_location(part, node)
            return copied
    if any(isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Load) and _flat_of(n) is not None
           for n in walk(func)):
        Reads().visit(func)


def spelled_views(func, message):
    """What is said after ``message`` (an error's) of the views ``rewrite`` named that it mentions."""
    found = [f"{name} is {text}, the view line {line} writes into"
             for name, (text, line) in getattr(func, "view_names", {}).items() if f"'{name}'" in message]
    return f" ({'; '.join(found)})" if found else ""


def _candidate(node):
    return isinstance(node, (ast.Assign, ast.AugAssign)) and len(getattr(node, "targets", [None])) == 1 and \
        (_view_of(_target(node)) is not None or _flat_of(_target(node)) is not None)


def _flat_of(target):
    """The name ``target`` writes elements of through its flat iterator (``K`` of ``K.flat[::n + 1]``), or
    None."""
    if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Attribute) and \
            target.value.attr == "flat" and isinstance(target.value.value, ast.Name) and \
            not any(isinstance(n, ast.Constant) and isinstance(n.value, str) for n in walk(target.slice)):
        return target.value.value.id
    return None


def _target(stmt):
    return stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target


def _view_of(target):
    """The root name of the view ``target`` writes a part of (``y`` of ``y.T[0]``), or None where
    ``target`` is no part of an unnamed view of the forms above."""
    if not isinstance(target, ast.Subscript) or isinstance(target.value, ast.Name):
        return None
    return _root(target.value)


def view_root(node):
    """The name ``node`` is a view of, spelled as above (``y`` of ``np.flip(y.T)``, of ``y`` itself), or None."""
    return _root(node)


def _root(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Subscript):
        index = node.slice
        if any(isinstance(n, ast.Constant) and isinstance(n.value, str) for n in walk(index)):
            return None  # (an entry of a dict)
        return _root(node.value)
    if isinstance(node, ast.Attribute) and node.attr == "T":
        return _root(node.value)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        owner = node.func.value
        if isinstance(owner, ast.Name) and owner.id in ("np", "numpy") and node.func.attr in _FUNCTIONS \
                and node.args and not any(isinstance(a, ast.Starred) for a in node.args):
            return _root(node.args[0])
        if node.func.attr in _METHODS and not (isinstance(owner, ast.Name) and owner.id in ("np", "numpy")):
            return _root(owner)
    return None


def _fresh(stem, taken, suffix="view"):
    name, k = f"{stem}_{suffix}", 2
    while name in taken:
        name, k = f"{stem}_{suffix}{k}", k + 1
    taken.add(name)
    return name


def _calls_own_function(node):
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) for n in walk(node))


def _flat_write(stmt, target, array, flat, named):
    """``K.flat[i] op= v`` as ``K_flat = K.ravel().copy()``, ``K_flat[i] op= v``, ``K[...] =
    K_flat.reshape(K.shape)``: the same values written into K's own array, which every name
    sharing it sees (``K.ravel()`` alone may be a copy or a view, as K's order is)."""
    def name(text, ctx=ast.Load):
        return ast.copy_location(ast.Name(text, ctx()), target)

    def call(owner, method, *args):
        return ast.copy_location(ast.Call(ast.Attribute(owner, method, ast.Load()), list(args), []), target)
    named[flat] = (ast.unparse(target.value), stmt.lineno)
    first = ast.copy_location(ast.Assign([name(flat, ast.Store)], call(call(name(array), "ravel"), "copy")), stmt)
    target.value = name(flat)
    shape = ast.copy_location(ast.Attribute(name(array), "shape", ast.Load()), target)
    whole = ast.copy_location(ast.Subscript(name(array), ast.copy_location(ast.Constant(Ellipsis), target),
                                            ast.Store()), target)
    back = ast.copy_location(ast.Assign([whole], call(name(flat), "reshape", shape)), stmt)
    return [first, stmt, back]


def _written(stmt, taken, named):
    """The statements ``stmt`` (its blocks done) is written as (see the module doc)."""
    if not _candidate(stmt):
        return [stmt]
    out = []
    target = _target(stmt)
    if isinstance(stmt, ast.Assign) and _calls_own_function(stmt.value):
        value = _fresh("value", taken)  # (Python computes the value before the target's view)
        out.append(ast.copy_location(ast.Assign([ast.copy_location(ast.Name(value, ast.Store()), stmt.value)],
                                                stmt.value), stmt))
        stmt.value = ast.copy_location(ast.Name(value, ast.Load()), stmt.value)
    flat = _flat_of(target)
    if flat is not None:  # K.flat[i] = v: K's elements in C order, whatever its order in memory
        return out + _flat_write(stmt, target, flat, _fresh(flat, taken, "flat"), named)
    view = _fresh(_view_of(target), taken)
    named[view] = (ast.unparse(target.value), stmt.lineno)
    out.append(ast.copy_location(ast.Assign([ast.copy_location(ast.Name(view, ast.Store()), target.value)],
                                            target.value), stmt))
    target.value = ast.copy_location(ast.Name(view, ast.Load()), target.value)
    return out + [stmt]
