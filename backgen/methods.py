"""A method reading attributes of ``self`` differentiated as the function of them it is.

Contract:

* ``attributes(func)`` lists, in order of first reading, the attributes a
  method ``def loss(self, X, y)`` reads from ``self`` (``self.params``,
  ``self.reg``), or gives ``()`` where it reads none, or uses ``self``
  otherwise (calls ``self.affine(...)``, passes ``self`` on, writes
  ``self.cache = ...`` other than ``kept_as_names`` reads): then it stays a method, refused where staged.
* ``kept_as_names(func)`` makes, in place, the attributes a method sets at its top level before
  reading them (``self.output = ...``, then ``return self.output``) local names.
* ``parameter_names(func, attrs)``: the parameter each attribute becomes, its
  own name (``params``) unless the function already has that name
  (``self_params``).
* ``as_function(forward, attrs, counts)``: the parsed method as that function
  (``function_of(method, attrs, counts)``: its def alone),
  ``def loss(params, reg, X, y)``, each ``self.params`` read as ``params``
  (an attribute holding an integer, as that number); lines and columns stay
  the user's, so errors point at the method.
  An attribute of an object the object holds (``fc1.W`` of ``self.fc1.W``, ``layers.0.W`` of
  ``self.layers[0].W``: see ``held_objects``) becomes ``fc1_W``, ``layers_0_W``.
* ``signature(signature, func, attrs)`` is the function's signature;
  ``arguments(args, attrs)`` turns a call's ``(obj, X, y)`` into
  ``(obj.params, obj.reg, X, y)``.

The object's attributes are read at each call, so a model whose weights
change between calls is differentiated at its current weights.
"""

import ast
import dataclasses
import inspect

from . import held_objects
from .source import parents as node_parents, walk, tree_copy, names_of


def attributes(func, held=()):
    """The attributes of ``self`` the method ``func`` (an ast.FunctionDef) only reads; of an attribute of
    ``held`` (one holding an object: ``held_objects``), the attributes of that object it reads
    (``self.fc1.W``: ``fc1.W``)."""
    if not func.args.args or func.args.args[0].arg != "self":
        return ()
    kept_as_names(func)
    parents = node_parents(func)
    found = []
    for node in walk(func):
        if not (isinstance(node, ast.Name) and node.id == "self") or node is func.args.args[0]:
            continue
        read = parents.get(node)
        if not isinstance(read, ast.Attribute) or not isinstance(read.ctx, ast.Load) or \
                isinstance(parents.get(read), ast.Call) and parents[read].func is read:  # self.affine(x)
            return ()
        if isinstance(node.ctx, ast.Store):
            return ()
        found.append((getattr(read, "lineno", 0), getattr(read, "col_offset", 0), _held_read(read, parents, held)))
    stored = {node.id for node in walk(func) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    if "self" in stored or _writes_into_attributes(func, parents):
        return ()
    ordered = []  # in the order the source reads them first (the walk goes breadth first; reads made at one
    for _, _, attr in sorted(found, key=lambda read: read[:2]):  # place, fc1.W, fc1.b of self.fc1(x), in turn)
        if attr not in ordered:
            ordered.append(attr)
    return tuple(ordered)


def _held_read(read, parents, held):
    """The attribute the read ``read`` (``self.a``) names: ``a``, or through the objects ``held`` (their
    paths, ``held_objects``) the attribute of one of them it reaches, ``fc1.W`` of ``self.fc1.W``,
    ``layers.0.W`` of ``self.layers[0].W``; short of an attribute, the path it reaches."""
    prefixes = {p.rsplit(".", k)[0] for p in held for k in range(p.count(".") + 1)}
    path, node = read.attr, read
    while path in prefixes:
        up = parents.get(node)
        longer = held_objects.path_of(up) if isinstance(up, (ast.Attribute, ast.Subscript)) and \
            up.value is node and isinstance(up.ctx, ast.Load) else None
        if longer is None or longer not in prefixes and not (path in held and isinstance(up, ast.Attribute)):
            break
        path, node = longer, up
    return path


def kept_as_names(func):
    """Rewrite in place, in the method ``func``, each attribute of ``self`` that its body sets at its top
    level (``self.output = np.dot(inputs, self.weights)``, as NNFS's layers keep what they compute) and
    reads only after that: a local name (``output``, or ``self_output`` where the method uses that name).
    The object keeps the value when the method runs; what the method computes is the same, and the
    attribute is no input of it.  An attribute read before it is set, or set in a branch or a loop, or
    other than by a whole assignment, is left as it is (refused where staged), and so is every one of a
    method calling the object's methods or passing ``self`` on (they may read what it sets)."""
    if not func.args.args or func.args.args[0].arg != "self":
        return
    body = func.body

    def attribute(node):
        return node.attr if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
            node.value.id == "self" else None

    first_set = {}  # attribute -> the index of the top-level statement first setting it
    for k, stmt in enumerate(body):
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and attribute(stmt.targets[0]):
            first_set.setdefault(attribute(stmt.targets[0]), k)
    if not first_set:
        return
    parents = node_parents(func)
    for node in walk(func):  # self passed on, or a method of it called (which may read what is set): as it is
        if isinstance(node, ast.Name) and node.id == "self" and node is not func.args.args[0]:
            read = parents.get(node)
            if not isinstance(read, ast.Attribute) or isinstance(parents.get(read), ast.Call) and \
                    parents[read].func is read:
                return
    own = set(first_set)
    for k, stmt in enumerate(body):
        top_target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else None
        for node in walk(stmt):
            name = attribute(node)
            if name not in own:
                continue
            if isinstance(node.ctx, ast.Store) and node is not top_target:  # (set in a loop, unpacked, ...)
                own.discard(name)
            elif isinstance(node.ctx, ast.Load) and (k < first_set[name] or k == first_set[name] and node is not
                                                     top_target):  # (read before it is set: an input)
                own.discard(name)
            elif isinstance(node.ctx, ast.Del):
                own.discard(name)
    if not own:
        return
    taken = names_of(func) | {a.arg for a in func.args.args}
    names = {}
    for attr in sorted(own):
        names[attr] = attr if attr not in taken else f"self_{attr}"
        taken.add(names[attr])

    class Kept(ast.NodeTransformer):
        def visit_Attribute(self, node):
            if attribute(node) in names:
                return ast.copy_location(ast.Name(names[node.attr], node.ctx), node)
            return self.generic_visit(node)
    func.body = [Kept().visit(stmt) for stmt in body]


def attribute_stores(node):
    """The attributes of ``self`` the method's def ``node`` sets (``self.output = ...``)."""
    return {n.attr for n in walk(node) if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store) and
            isinstance(n.value, ast.Name) and n.value.id == "self"}


def _writes_into_attributes(func, parents):
    """Whether the method writes into an attribute's object (``self.params['W1'] = W``)."""
    for node in walk(func):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, (ast.Store, ast.Del)):
            base = node.value
            while isinstance(base, ast.Subscript):
                base = base.value
            if isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name) and base.value.id == "self":
                return True
    return False


def parameter_names(func, attrs):
    """``{attribute: parameter}``: the attribute's own name where the function has no such name."""
    taken = names_of(func) | {a.arg for a in func.args.args}
    names = {attr: attr if attr not in taken else f"self_{attr}" for attr in attrs if "." not in attr}
    taken |= set(names.values()) | set(names)
    for attr in attrs:  # an attribute of an object held (fc1.W): fc1_W
        if "." in attr:  # (layers.0.W: layers_0_W)
            name = attr.replace(".", "_")
            while name in taken:
                name = f"self_{name}"
            names[attr] = name
            taken.add(name)
    return names


def as_function(forward, attrs, counts=None):
    """The parsed method ``forward`` as the function of ``self``'s attributes ``attrs`` it is;
    ``counts``: attributes holding integers or float types, read as those numbers (``range(
    self.num_layers)``: loops of known bounds; the decorator keys its backwards on integers'
    values) and types (``X.astype(self.dtype)``)."""
    kept_as_names(forward.func)
    return dataclasses.replace(forward, func=function_of(forward.func, attrs, counts))


def function_of(method, attrs, counts=None):
    """The def of the method ``method`` as the function of ``attrs`` (a copy): see ``as_function``."""
    names = parameter_names(method, attrs)
    counts = counts or {}
    func = tree_copy(method)

    class Read(ast.NodeTransformer):
        def visit_Attribute(self, node):
            if isinstance(node.value, ast.Name) and node.value.id == "self" and node.attr in counts:
                value = counts[node.attr]
                if isinstance(value, type):  # a float type: as NumPy names it (np.float64)
                    value = ast.Attribute(ast.Name("np", ast.Load()), value.__name__, ast.Load()) \
                        if value is not float else ast.Name("float", ast.Load())
                    return ast.copy_location(ast.fix_missing_locations(ast.copy_location(value, node)), node)
                return ast.copy_location(ast.Constant(value), node)
            if isinstance(node.value, ast.Name) and node.value.id == "self" and node.attr in names:
                return ast.copy_location(ast.Name(names[node.attr], ast.Load()), node)
            return self.held(node)

        def visit_Subscript(self, node):
            return self.held(node)

        def held(self, node):  # (an attribute of an object held: self.fc1.W, self.layers[0].W)
            path = held_objects.path_of(node)
            if path is not None and "." in path and path in names:
                return ast.copy_location(ast.Name(names[path], ast.Load()), node)
            return self.generic_visit(node)
    func = Read().visit(func)
    first = func.args.args[0]
    func.args.args[:1] = [ast.copy_location(ast.arg(names[attr]), first) for attr in attrs]
    return func


def signature(method_signature, func, attrs):
    """The signature of the function ``as_function`` makes of the method."""
    names = parameter_names(func, attrs)
    params = list(method_signature.parameters.values())[1:]
    made = [inspect.Parameter(names[attr], inspect.Parameter.POSITIONAL_OR_KEYWORD) for attr in attrs]
    return method_signature.replace(parameters=made + params)


def arguments(args, attrs):
    """``(obj, *rest)`` as the function's arguments: the object's attributes, then the rest."""
    obj, *rest = args
    return tuple(held_objects.value_at(obj, attr) for attr in attrs) + tuple(rest)
