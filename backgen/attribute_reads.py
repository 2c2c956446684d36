"""Parameters that are objects read by attribute: a dataclass of settings, a named tuple of physical
constants, an ``argparse.Namespace``, a layer object holding its weights (``cfg.reg``, ``p.mass``,
``layer.W``).

Contract: ``rewrite(func, objects_of=None) -> tuple`` rewrites ``func`` (an ast.FunctionDef) in place and
returns ``((parameter, attributes, required), ...)``, the parameters it rewrote, the attributes read of
each in the order first read, and those of them read without ``hasattr`` or a default.
``objects_of(name)``, where given, is ``(parameters, {parameter: (attributes, required)})`` of the
function of the module ``name`` (what ``objects`` finds of it), or None.  ``objects(func, objects_of)``
is what ``rewrite`` finds, ``func`` left as it is; ``other_use(func, name)`` the read of a parameter that
keeps it from being one (for the error saying so).  ``view(value, attributes, required, function)`` is
what the decorator hands the generated code for such a parameter: a dict of the attributes the value
has (a dict still, so that what backgen does with a dict read by key it does here) whose entries are
also read as attributes, as the user's object is; an AttributeError, as the forward raises, where it
lacks one required.  ``AsAttributes(params)`` changes the tree of a line of generated code reading
``p['a']`` of such a parameter ``p`` to read ``p.a`` again, as the user wrote it (``p.get("a", d)`` as
``getattr(p, "a", d)``, ``"a" in p`` as ``hasattr(p, "a")``).

A parameter qualifies where the function reads it only by attribute (``p.a``, ``getattr(p, "a")``,
``getattr(p, "a", default)``, ``hasattr(p, "a")``) or hands it whole to functions of the module whose
parameter there qualifies so (``penalty(W, cfg)`` of ``def penalty(W, c): return c.reg * ...``: the
attributes those read are its too); never rebinds it nor writes its attributes, calls none of them
(``p.method()``: what a method does is not read; ``p.pos.shape``, ``p.W.T`` read the value's), and reads
no attribute an array, a number or a sequence has (``x.shape``, ``x.T``, ``z.real``: then it is an
array, followed as one).  ``self`` and ``cls`` are left to ``methods``.  Each read becomes a read by key
(``p["a"]``, ``p.get("a", default)``, ``"a" in p``), which the stager follows as it follows a dict of
settings or of arrays read at its keys: settings are constants of the code, arrays (and numbers, for a
name not one of settings) inputs whose gradient comes back as a dict by attribute name.  Any other
parameter is left as it is (an attribute of it refused where staged, saying what to write).
"""

import ast

import numpy as np

from . import source

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
# what an array, a number, a list, a tuple, a dict or a string has: a parameter read so is one of those
_VALUE_ATTRIBUTES = frozenset(dir(np.ndarray)) | frozenset(dir(float)) | frozenset(dir(list)) | \
    frozenset(dir(dict)) | frozenset(dir(tuple)) | frozenset(dir(str))


def rewrite(func, objects_of=None):
    found, reads = _found(func, objects_of)
    parents = source.parents(func) if reads else None
    for _, node, replacement in reads:
        source.put_in(parents[node], node, ast.fix_missing_locations(ast.copy_location(replacement, node)))
    return found


def objects(func, objects_of=None):
    """``{parameter: (attributes, required)}``: what ``rewrite`` finds, ``func`` left as it is."""
    return {name: (attributes, required) for name, attributes, required in _found(func, objects_of)[0]}


def _found(func, objects_of):
    """``(found, reads)``: what ``rewrite`` returns, and the ``(attribute, node, replacement)`` of each read
    it rewrites."""
    params = [a.arg for a in func.args.posonlyargs + func.args.args + func.args.kwonlyargs]
    candidates = {p for p in params if p not in ("self", "cls")}
    if not candidates:
        return (), []
    parents = None
    reads, passes = {}, {}  # parameter -> [(attribute, node, replacement)]; -> [(call, place)]
    for node in source.walk(func):
        kind = node.__class__
        if kind is ast.Name and node.id in candidates:
            if node.ctx.__class__ is not ast.Load:
                candidates.discard(node.id)
                continue
            if parents is None:
                parents = source.parents(func)
            read = _attribute_read(node, parents)
            passed = _passed(node, parents) if read is None and objects_of is not None else None
            if read is not None:
                reads.setdefault(node.id, []).append(read)
            elif passed is not None:
                passes.setdefault(node.id, []).append(passed)
            else:
                candidates.discard(node.id)
        elif kind in _SCOPES and node is not func:
            arguments = node.args
            inner = {a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs}
            inner |= {a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None}
            candidates -= inner  # (a name of its own there)
        elif kind is ast.Global or kind is ast.Nonlocal:
            candidates -= set(node.names)
    found, rewritten = [], []
    for name in params:
        if name not in candidates or name not in reads and name not in passes:
            continue
        tested = {attribute for attribute, node, _ in reads.get(name, ()) if _tested(node)}  # (hasattr(p, "a"),
        read = [(node.lineno, node.col_offset, (attribute,), ()) if attribute in tested else  # then p.a: where
                (node.lineno, node.col_offset, (attribute,), (attribute,))  # it may lack it)
                for attribute, node, _ in reads.get(name, ())]
        for call, place in passes.get(name, ()):  # (handed whole to a function of the module reading it so)
            known = objects_of(call.func.id)
            held = _held_at(known, place) if known is not None else None
            if held is None:
                break
            read.append((call.lineno, call.col_offset) + held)
        else:
            read.sort(key=lambda r: r[:2])
            attributes = tuple(dict.fromkeys(a for *_, some, _ in read for a in some))
            required = tuple(dict.fromkeys(a for *_, some in read for a in some if a not in tested))
            found.append((name, attributes, required))
            rewritten += reads.get(name, [])
    return tuple(found), rewritten


def other_use(func, name):
    """The first read of the parameter ``name`` in ``func`` that is neither a read of an attribute
    ``rewrite`` takes nor the name handed whole to a function called by its name (which may use it
    otherwise); None where there is none."""
    parents = source.parents(func)
    for node in source.walk(func):
        if node.__class__ is ast.Name and node.id == name and _attribute_read(node, parents) is None and \
                _passed(node, parents) is None:
            return node
    return None


def _tested(node):
    """Whether the read ``node`` is one that may find the attribute missing (``hasattr``, ``getattr`` with a
    default)."""
    return node.__class__ is ast.Call and (node.func.id == "hasattr" or len(node.args) == 3)


def _passed(name, parents):
    """``(call, place)`` where the name ``name`` is handed whole to a function called by its name: ``place``
    its position among the call's arguments, or the keyword; else None."""
    parent = parents.get(name)
    if parent.__class__ is ast.keyword and parent.arg is not None:
        call = parents.get(parent)
        return (call, parent.arg) if call.__class__ is ast.Call and call.func.__class__ is ast.Name else None
    if parent.__class__ is ast.Call and parent.func.__class__ is ast.Name and name in parent.args and \
            not any(a.__class__ is ast.Starred for a in parent.args[:parent.args.index(name)]):
        return parent, parent.args.index(name)
    return None


def _held_at(known, place):
    """``(attributes, required)`` of the parameter at ``place`` of a function whose ``(params, objects)``
    are ``known``; None where that parameter is not one read by attribute."""
    params, found = known
    name = place if isinstance(place, str) else params[place] if place < len(params) else None
    return found.get(name)


def _attribute_read(name, parents):
    """``(attribute, node, replacement)`` where the name ``name`` is read as ``name.attribute``,
    ``getattr(name, "attribute")`` (with a default: ``name.get("attribute", default)``) or ``hasattr(name,
    "attribute")`` (``"attribute" in name``): ``node`` that read, ``replacement`` what is read in its place;
    else None."""
    parent = parents.get(name)
    if parent.__class__ is ast.Attribute and parent.ctx.__class__ is ast.Load:
        attribute, node = parent.attr, parent
        replacement = ast.Subscript(ast.Name(name.id, ast.Load()), ast.Constant(attribute), ast.Load())
    elif parent.__class__ is ast.Call and parent.func.__class__ is ast.Name and \
            parent.func.id in ("getattr", "hasattr") and not parent.keywords and \
            len(parent.args) in ((2, 3) if parent.func.id == "getattr" else (2,)) and parent.args[0] is name and \
            parent.args[1].__class__ is ast.Constant and isinstance(parent.args[1].value, str) and \
            parent.args[1].value.isidentifier() and not any(isinstance(a, ast.Starred) for a in parent.args):
        attribute, node = parent.args[1].value, parent
        key = ast.Constant(attribute)
        if parent.func.id == "hasattr":
            replacement = ast.Compare(key, [ast.In()], [ast.Name(name.id, ast.Load())])
        elif len(parent.args) == 3:
            replacement = ast.Call(ast.Attribute(ast.Name(name.id, ast.Load()), "get", ast.Load()),
                                   [key, parent.args[2]], [])
        else:
            replacement = ast.Subscript(ast.Name(name.id, ast.Load()), key, ast.Load())
    else:
        return None
    if attribute in _VALUE_ATTRIBUTES or attribute.startswith("__"):
        return None
    above = parents.get(node)
    if above.__class__ is ast.Call and above.func is node:
        return None  # (p.method(...): what it does is not read; p.pos.shape, p.W.T: reads of the value)
    return attribute, node, replacement


class _View(dict):
    """A parameter's attributes as a dict, its entries read as attributes too (``cfg.reg``, ``cfg['reg']``)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __reduce__(self):  # (copied as the dict it is)
        return (_View, (dict(self),))


def view(value, attributes, required, function):
    if isinstance(value, _View):
        return value
    missing = next((a for a in required if not hasattr(value, a)), None)
    if missing is not None:  # (as the forward raises)
        raise AttributeError(f"{function}(): {type(value).__name__!r} object has no attribute {missing!r}, which "
                             f"the function reads")
    return _View((a, getattr(value, a)) for a in attributes if hasattr(value, a))


class AsAttributes(ast.NodeTransformer):
    """Each ``p['a']`` of a parameter ``p`` of ``params`` read as ``p.a`` (a line of generated code)."""

    def __init__(self, params):
        self.params = params

    def _param(self, node):
        return node.__class__ is ast.Name and node.id in self.params

    def visit_Call(self, node):  # p.get("a", default): getattr(p, "a", default)
        self.generic_visit(node)
        if node.func.__class__ is ast.Attribute and node.func.attr == "get" and self._param(node.func.value) and \
                len(node.args) == 2 and not node.keywords and _identifier(node.args[0]):
            return ast.copy_location(ast.Call(ast.Name("getattr", ast.Load()), [node.func.value] + node.args, []),
                                     node)
        return node

    def visit_Compare(self, node):  # "a" in p: hasattr(p, "a")
        self.generic_visit(node)
        if len(node.ops) == 1 and node.ops[0].__class__ in (ast.In, ast.NotIn) and self._param(node.comparators[0]) \
                and _identifier(node.left):
            test = ast.Call(ast.Name("hasattr", ast.Load()), [node.comparators[0], node.left], [])
            return ast.copy_location(test if node.ops[0].__class__ is ast.In else ast.UnaryOp(ast.Not(), test), node)
        return node

    def visit_Subscript(self, node):
        self.generic_visit(node)
        if self._param(node.value) and _identifier(node.slice) and node.ctx.__class__ is ast.Load:
            return ast.copy_location(ast.Attribute(node.value, node.slice.value, ast.Load()), node)
        return node


def _identifier(node):
    return node.__class__ is ast.Constant and isinstance(node.value, str) and node.value.isidentifier()
