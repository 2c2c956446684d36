"""The objects a decorated method's object holds (``self.fc1 = Linear(4, 8)`` made in its constructor,
however), called by the method: ``self.fc1(x)``, ``self.fc1.forward(x)``, ``layer(x)`` in ``for layer in
self.layers:``, read as calls of helpers given the arrays those objects hold.

Contract:

* A held object is named by its path from the object: ``fc1`` (an attribute), ``layers.0`` (an item of
  a list or tuple attribute holding such objects alone), ``block.inner`` (held by a held object).
  ``described(obj)`` gives ``((path, class, names), ...)`` in path order for each object of a class
  written in Python (a user's layer; not an array, a number, a container, a function, a module) the live
  object ``obj`` holds, as deep as ``DEPTH``, with the attributes it holds of its own;
  ``mismatch(obj, used, first, attributes)`` why a later object's are not those a backward was written
  for (or None), one held at two paths among them.
* ``rewrite(func, held, reader)`` rewrites in place the method's def ``func`` (``held``:
  ``{path: class}``, paths from its ``self``; ``reader`` what it asks, below):
  - a loop over a list of held objects, ``for layer in self.layers:`` (``reversed(self.layers)``,
    ``for k, layer in enumerate(self.layers)``, ``for i in range(len(self.layers))`` reading
    ``self.layers[i]``), is written out per item, ``layer`` read as ``self.layers[k]``, where the loop
    neither breaks nor continues and its variables are read nowhere else; ``len(self.layers)`` is the
    number it is, and ``self.layers[-1]`` the item it names;
  - each call of a held object, ``self.fc1(args)`` (``__call__``) or ``self.fc1.m(args)``, becomes
    ``helper(self.fc1.a, ..., args)``, where ``reader.helper(cls, method, held)`` gives the name and the
    attributes' paths ``(a, ...)`` of the helper made of that method as the function of what it reads
    of its object (``held``: what that object holds, by paths from it), or None: backgen does not read
    it so, and ``reader.refuse(node, message)`` raises;
  - ``isinstance(self.layers[0], Linear)`` and ``hasattr(self.layers[0], "W")`` are the constants they
    are (``reader.known(test, class, path, argument)``), and an ``if`` testing one the branch it takes;
  - reads ``self.fc1.W`` are left for ``methods.attributes`` to read as the attribute ``fc1.W``; one of
    an attribute a method called sets (``reader.stored(cls, method)``: NNFS's ``self.activation.output``
    after ``self.activation.forward(inputs)``) is refused: the call is read as a function, no change of
    the object.
  It returns the paths of ``held`` the method reads so.
* ``reads_held(func)``: whether a method's def reads what its object may hold as objects (which only
  the object says).
* ``spoken(path)`` is the path as Python reads it from ``self`` (``layers[0].W``).
* ``path_of(node)`` is the path a read (``self.layers[1].W``) names from ``self``: ``layers.1.W``, or None;
  ``value_at(obj, path)`` is what the path names on the live object.

The objects' arrays are read at each call, as the object's own are: a layer whose weights change
between calls is differentiated at its current weights.  A later object holding an object of another
class at one of these paths is refused by the decorator.
"""

import ast
import copy
import inspect
import types

from .source import own_jumps

DEPTH = 4  # how deep objects holding objects are read


def described(obj, held=None):
    """See the module's contract (``held``: ``_held(obj)``, where it is known already)."""
    return tuple((path, type(value), frozenset(name for name in vars(value) if isinstance(name, str)))
                 for path, value in (_held(obj) if held is None else held))


def _shared(held):
    """``{path: the path naming the same object first}`` of the paths of ``held`` (``_held``) naming an
    object another names first (``layers.2`` of ``[lin, act, lin]``)."""
    first, found = {}, {}
    for path, value in held:
        if id(value) in first:
            found[path] = first[id(value)]
        first.setdefault(id(value), path)
    return found


def mismatch(obj, used, first, attributes):
    """Why the objects the live object ``obj`` holds are not those a method's backward was written for
    (``used``: ``{path: class}`` of those it reads; ``first``: ``described`` of the object it was written
    on; ``attributes``: what it reads of them, ``fc1.W``), or None where they are."""
    found = _held(obj)
    now = {path: (cls, names) for path, cls, names in described(obj, found)}
    then = {path: (cls, names) for path, cls, names in first}
    for path, cls in sorted(used.items()):
        held = now.get(path, (None, None))[0]
        if held is not cls:
            return (f"calls self.{spoken(path)}, which backgen read as an object of class {cls.__name__}; this "
                    f"{type(obj).__name__} object holds {getattr(held, '__name__', 'no such object')} there: backgen "
                    f"reads the objects held once, on the first object the method is called on; decorate the "
                    f"method again for this one (backgen.backward(obj.method))")
        if now[path][1] != then.get(path, (None, now[path][1]))[1]:  # (hasattr(layer, "W") decided on the first)
            return (f"reads self.{spoken(path)}, whose attributes ({', '.join(sorted(now[path][1]))}) are not those "
                    f"the object backgen read it on held ({', '.join(sorted(then[path][1]))}); decorate the method "
                    f"again for this one (backgen.backward(obj.method))")
    counts_now, counts_then = _lists(now), _lists(then)
    for path in sorted(_lists(used)):  # (a loop over self.layers written out for as many as it held)
        if counts_now.get(path) != counts_then.get(path):
            return (f"reads self.{spoken(path)}, a list of {counts_now.get(path, 'no')} objects here, which backgen "
                    f"read as one of {counts_then.get(path)} on the first object the method was called on; "
                    f"decorate the method again for this one (backgen.backward(obj.method))")
    for path, other in _shared(found).items():
        if path in used and other in used:
            return (f"reads self.{spoken(other)} and self.{spoken(path)}, which are one object: backgen reads what "
                    f"each object held holds as inputs of their own, whose gradients would come back apart: hold it "
                    f"at one place (a copy of it at the other, copy.deepcopy, where they are to be two)")
    for attribute in attributes:
        try:
            value_at(obj, attribute)
        except (AttributeError, IndexError, TypeError):
            return (f"reads self.{spoken(attribute)}, which this object does not hold; decorate the method again "
                    f"for this one (backgen.backward(obj.method))")
    return None


def _held(obj):
    """``[(path, object), ...]``: the objects ``obj`` holds (see ``described``)."""
    found = []

    def visit(holder, prefix, depth, seen):
        for name, value in sorted(vars(holder).items()):
            if not isinstance(name, str):
                continue
            items = [(f"{prefix}{name}.{k}", item) for k, item in enumerate(value)] \
                if isinstance(value, (list, tuple)) and value and all(map(_object, value)) else \
                [(f"{prefix}{name}", value)] if _object(value) else []
            for path, item in items:
                found.append((path, item))
                if depth > 1 and id(item) not in seen:
                    visit(item, f"{path}.", depth - 1, seen | {id(item)})
    if hasattr(obj, "__dict__"):
        visit(obj, "", DEPTH, frozenset({id(obj)}))
    return found


def _object(value):
    """Whether ``value`` is an object of a class written in Python holding attributes of its own."""
    cls = type(value)
    if isinstance(value, (type, types.FunctionType, types.MethodType, types.ModuleType,
                          types.BuiltinFunctionType)) or not hasattr(value, "__dict__"):
        return False
    if cls.__module__ in ("builtins", "numpy") or cls.__module__.startswith(("numpy.", "scipy.")):
        return False
    return any(isinstance(getattr(member, "__func__", member), types.FunctionType)
               for klass in cls.__mro__[:-1] for member in vars(klass).values())


def reads_held(func):
    """Whether the method's def ``func`` reads what its object may hold as objects: a loop over an attribute
    (``for layer in self.layers``, ``reversed(self.layers)``), an item of one by a number or a name
    (``self.layers[i]``), an attribute of an attribute (``self.fc1.W``)."""
    def held(n):
        if isinstance(n, (ast.For, ast.comprehension)):
            it = n.iter.args[0] if isinstance(n.iter, ast.Call) and len(n.iter.args) == 1 else n.iter
            return path_of(it) not in (None, "")
        if isinstance(n, ast.Subscript) and not (isinstance(n.slice, ast.Constant) and isinstance(n.slice.value, str)):
            return path_of(n.value) not in (None, "")
        return isinstance(n, ast.Attribute) and isinstance(n.value, ast.Attribute) and path_of(n) is not None
    return any(held(n) for n in ast.walk(func))


def path_of(node):
    """See the module's contract."""
    if isinstance(node, ast.Name):
        return "" if node.id == "self" else None
    if isinstance(node, ast.Attribute):
        inner = path_of(node.value)
        return None if inner is None else f"{inner}.{node.attr}" if inner else node.attr
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and \
            type(node.slice.value) is int and node.slice.value >= 0:
        inner = path_of(node.value)
        return f"{inner}.{node.slice.value}" if inner else None
    return None


def value_at(obj, path):
    """See the module's contract."""
    for part in path.split("."):
        obj = obj[int(part)] if part.isdigit() else getattr(obj, part)
    return obj


def with_value_at(obj, path, value):
    """A shallow copy of ``obj`` whose ``path`` names ``value``, each object and list on the way copied
    (``obj`` and what it holds left as they were)."""
    head, _, rest = path.partition(".")
    index = int(head) if head.isdigit() else None
    inner = value if not rest else with_value_at(obj[index] if index is not None else getattr(obj, head), rest, value)
    if index is not None:
        made = list(obj)
        made[index] = inner
        return type(obj)(made) if isinstance(obj, tuple) else made
    made = copy.copy(obj)
    setattr(made, head, inner)
    return made


def reading(path, node):
    """The expression reading ``path`` (from the object ``node`` reads): ``node.a[0].b``."""
    for part in path.split("."):
        node = ast.Subscript(node, ast.Constant(int(part)), ast.Load()) if part.isdigit() else \
            ast.Attribute(node, part, ast.Load())
    return node


def _lists(held):
    """``{path of a list: its length}`` of the lists of held objects (``layers``: 3)."""
    found = {}
    for path in held:
        head, _, last = path.rpartition(".")
        if head and last.isdigit():
            found[head] = max(found.get(head, 0), int(last) + 1)
    return found


def _unrolled(func, lists, refuse):
    """Write out in place the loops over lists of held objects, ``len`` of them and negative items (see the
    module's contract)."""
    def listed(node):
        path = path_of(node)
        return path if path in lists else None

    class Items(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            if isinstance(node.func, ast.Name) and node.func.id == "len" and len(node.args) == 1 and \
                    not node.keywords and listed(node.args[0]):
                return ast.copy_location(ast.Constant(lists[listed(node.args[0])]), node)
            return node

        def visit_Subscript(self, node):
            self.generic_visit(node)
            if listed(node.value) and isinstance(node.slice, ast.UnaryOp) and isinstance(node.slice.op, ast.USub) \
                    and isinstance(node.slice.operand, ast.Constant) and type(node.slice.operand.value) is int and \
                    0 < node.slice.operand.value <= lists[listed(node.value)]:
                node.slice = ast.copy_location(ast.Constant(lists[listed(node.value)] - node.slice.operand.value),
                                               node.slice)
            return node

    def loop_over(stmt):  # [{variable: what it is}, ...], one per iteration, of a loop written out, else None
        if not isinstance(stmt, ast.For):
            return None
        it, target, backwards = stmt.iter, stmt.target, False
        call = it.func.id if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and len(it.args) == 1 \
            and not it.keywords else None
        if call in ("reversed", "enumerate"):
            it, backwards = it.args[0], call == "reversed"
        names = [target.id] if isinstance(target, ast.Name) else [n.id for n in target.elts] \
            if call == "enumerate" and isinstance(target, ast.Tuple) and len(target.elts) == 2 and \
            all(isinstance(n, ast.Name) for n in target.elts) else []
        why = "has an else" if stmt.orelse else \
            "breaks or continues" if own_jumps(stmt.body) \
            else "binds its variable otherwise" if not names or len(set(names)) != len(names) or any(
                isinstance(n, ast.Name) and n.id in names and not isinstance(n.ctx, ast.Load)
                for s in stmt.body for n in ast.walk(s)) \
            else "has its variable read after it" if any(_read_elsewhere(func, stmt, n) for n in names) else None
        if why is not None:
            if listed(it) is not None:  # (its items' methods would be calls of objects backgen does not follow)
                refuse(stmt, f"this loop over self.{spoken(listed(it))}, the layers the object holds, {why}: "
                             f"backgen writes such a loop out per layer where it does neither (nor has an else), "
                             f"binds its variable by itself alone and reads it in its body alone; write it so")
            return None
        path = listed(it)
        if path is not None:
            order = range(lists[path] - 1, -1, -1) if backwards else range(lists[path])
            return [dict(zip(names, [ast.Constant(k)] * (call == "enumerate") +
                             [reading(f"{path}.{k}", ast.Name("self", ast.Load()))])) for k in order]
        count = it.args[0].value if call == "range" and isinstance(it.args[0], ast.Constant) and \
            type(it.args[0].value) is int else None
        indexed = count is not None and any(  # (for i in range(len(self.layers)): self.layers[i])
            isinstance(n, ast.Subscript) and listed(n.value) and lists[listed(n.value)] == count and
            isinstance(n.slice, ast.Name) and n.slice.id == names[0] for s in stmt.body for n in ast.walk(s))
        return [{names[0]: ast.Constant(k)} for k in range(count)] if indexed else None

    def block(body):
        out = []
        for stmt in body:
            _inner_blocks(stmt, block)
            found = loop_over(stmt)
            if found is None:
                out.append(stmt)
                continue
            for bound in found:
                out += [_Item(bound).visit(copied) for copied in copy.deepcopy(stmt.body)]
        return out
    func.body = [Items().visit(stmt) for stmt in func.body]
    func.body = block(func.body)
    ast.fix_missing_locations(func)


class _Known(ast.NodeTransformer):
    """``isinstance(self.layers[0], Linear)`` and ``hasattr(self.layers[0], "W")`` of a held object, the
    constants they are (``reader.known(test, class, path, argument)``: True, False, or None where unknown)."""

    def __init__(self, held, reader):
        self.held, self.reader = held, reader

    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id in ("isinstance", "hasattr") and len(node.args) == 2 \
                and not node.keywords and path_of(node.args[0]) in self.held:
            path = path_of(node.args[0])
            value = self.reader.known(node.func.id, self.held[path], path, node.args[1])
            if value is not None:
                return ast.copy_location(ast.Constant(bool(value)), node)
        return node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Not) and isinstance(node.operand, ast.Constant) and \
                isinstance(node.operand.value, bool):
            return ast.copy_location(ast.Constant(not node.operand.value), node)
        return node


def _decided(body):
    """``body`` with each ``if`` whose test is a boolean constant (``_Known``) replaced by the branch it takes."""
    out = []
    for stmt in body:
        _inner_blocks(stmt, _decided)
        if isinstance(stmt, ast.If) and isinstance(stmt.test, ast.Constant) and isinstance(stmt.test.value, bool):
            out += stmt.body if stmt.test.value else stmt.orelse
        else:
            out.append(stmt)
    return out or [ast.Pass()]


def _inner_blocks(stmt, rewritten):
    """Replace in place each list of statements ``stmt`` holds (its body, else, finally) by ``rewritten`` of it."""
    for field in ("body", "orelse", "finalbody"):
        block = getattr(stmt, field, None)
        if isinstance(block, list) and block:
            setattr(stmt, field, rewritten(block))


def _read_elsewhere(func, loop, name):
    """Whether ``func`` names ``name`` outside ``loop``, but in another loop binding it as its variable."""
    bound = {id(n) for other in ast.walk(func) if isinstance(other, ast.For) and any(
             isinstance(t, ast.Name) and t.id == name for t in ast.walk(other.target)) for n in ast.walk(other)}
    return any(isinstance(n, ast.Name) and n.id == name and id(n) not in bound for n in ast.walk(func))


class _Item(ast.NodeTransformer):
    """A loop's variables read as what they are in one iteration (``bound``: name -> expression; each read
    a copy at the variable's place)."""

    def __init__(self, bound):
        self.bound = bound

    def visit_Name(self, node):
        if node.id in self.bound and isinstance(node.ctx, ast.Load):
            return ast.fix_missing_locations(ast.copy_location(copy.deepcopy(self.bound[node.id]), node))
        return node


def rewrite(func, held, reader):
    """See the module's contract."""
    if not func.args.args or func.args.args[0].arg != "self" or not held:
        return frozenset()
    lists = _lists(held)
    if lists:
        _unrolled(func, lists, reader.refuse)
    func.body = _decided(_Known(held, reader).visit(func).body)
    ast.fix_missing_locations(func)
    used, unread, called = set(), [], {}

    class Calls(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            target, method = node.func, "__call__"
            path = path_of(target)
            if path not in held and isinstance(target, ast.Attribute):
                target, method, path = target.value, target.attr, path_of(target.value)
            if path not in held or not callable(inspect.getattr_static(held[path], method, None)):
                return node
            inner = {p[len(path) + 1:]: cls for p, cls in held.items() if p.startswith(f"{path}.")}
            made = reader.helper(held[path], method, inner)
            if made is None:
                unread.append((node, path, method))
                return node
            helper, attrs = made
            used.add(path)
            called.setdefault(path, set()).add(method)
            reads = [reading(attr, copy.deepcopy(target)) for attr in attrs]
            call = ast.Call(ast.Name(helper, ast.Load()), reads + node.args, node.keywords)
            return ast.fix_missing_locations(ast.copy_location(call, node))

    func.body = [Calls().visit(stmt) for stmt in func.body]
    if unread:
        node, path, method = unread[0]
        what = f"{held[path].__name__}.{method}"
        reader.refuse(node, (
            f"self.{spoken(path)}{'' if method == '__call__' else '.' + method}(): backgen follows a method of an "
            f"object the object holds ({what}) where it reads the attributes of its own object and calls its own "
            f"methods or the objects it holds so, written in Python; {what} does more (it writes into its object "
            f"or passes it on) or is a library's: write it as a function of the arrays it reads, called with "
            f"self.{spoken(path)}'s"))
    stores = {path: {attr: method for method in sorted(methods) for attr in reader.stored(held[path], method)}
              for path, methods in called.items()}
    for node in ast.walk(func):
        path = path_of(node)
        if path is None:
            continue
        holder, _, attr = path.rpartition(".")
        if attr in stores.get(holder, ()) and isinstance(node.ctx, ast.Load):
            reader.refuse(node, (
                f"self.{spoken(path)} is set by self.{spoken(holder)}.{stores[holder][attr]}(), which backgen "
                f"reads as a function of the attributes it reads, not as a change of the object: assign what the "
                f"call returns and read that (have {held[holder].__name__}.{stores[holder][attr]} return "
                f"self.{attr})"))
        used.update(p for p in held if path == p or path.startswith(f"{p}."))
    return frozenset(used)


def spoken(path):
    """``layers[0].W`` of the path ``layers.0.W``."""
    return "".join(f"[{part}]" if part.isdigit() else f".{part}" for part in path.split(".")).lstrip(".")
