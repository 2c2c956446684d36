"""Objects the differentiated function makes of its module's own classes, read as names and calls.

Contract: ``blueprints(module, classes, constants, bound_once)`` reads the classes of a module's top level
whose objects backgen can follow: a plain class (no base, no decorator) whose ``__init__`` sets attributes
of ``self`` from its arguments, a ``@dataclass``, a ``typing.NamedTuple`` class, a ``collections.namedtuple``;
each a ``Blueprint`` of its constructor's parameters, the statements it runs on ``self``, its methods
(static methods and properties too) and its class constants.  ``written_out(func, blueprints, helper,
refuse, taken)`` rewrites the function's def ``func`` in place, for each name bound only to such an object
(``layer = Dense(W1, b1)``, or one made and used at once, ``Dense(W1, b1)(x)``, named first; or an item of a
list of them read only as a loop's iterable, at a number or by its length, one name per item, each loop
written out per item):

* the construction becomes the constructor's statements, each attribute of ``self`` a name of the
  function (``layer_W``; an argument the function never rebinds, a parameter or a number, read as it
  is), its parameters given the call's arguments as Python binds them (defaults included, a ``b=None``
  default decided or tested where the object is made);
* ``layer.W`` reads (and writes) that name; ``layer.forward(x)``, ``layer(x)`` (``__call__``) and a
  property ``layer.sigma`` call a helper made of the method (``helper(class_name, method_name, def,
  called)`` registers it and gives its name), taking first the attributes it reads
  (``Dense_forward(layer_W, layer_b, x)``), a method's calls of the object's own methods called so in
  turn; ``isinstance(layer, Dense)`` is the constant it is.

An object used otherwise (passed on, returned, stored, compared), a method that writes into ``self`` or
passes it on, an attribute read that the class never sets, or a constructor doing more than setting
attributes, is refused by ``refuse(message, node)`` at the user's line, saying what backgen follows.
Names a function binds to anything else, and classes not read above, are left as they are.  The names
made for an object's attributes are recorded in ``func.spoken_as`` (``layer_W`` -> ``layer.W``), which
``spoken`` puts back into messages.
"""

import ast
import functools
import itertools
import re

from dataclasses import dataclass, field

from . import methods
from .literals import bound_names
from .modern_syntax import statement_blocks
from .source import names_of, own_jumps, parents as node_parents, put_in, tree_copy, walk

_DATACLASS = {"dataclass", "dataclasses.dataclass"}
_DATACLASS_KEYWORDS = {"frozen", "eq", "repr", "order", "unsafe_hash", "slots", "match_args"}
_NAMED_TUPLE = {"NamedTuple", "typing.NamedTuple"}
_NAMEDTUPLE_CALLS = {"namedtuple", "collections.namedtuple"}


@dataclass
class Blueprint:
    """A class of the module, as its objects are followed: ``params`` the constructor's ``(name, default
    or None)`` in order, ``body`` the statements it runs on ``self`` (or None, with ``why``: a constructor
    backgen does not follow), ``methods`` its methods' defs by name, ``constants`` its class constants."""
    name: str
    node: ast.AST
    params: list
    body: list = None
    why: str = ""
    methods: dict = field(default_factory=dict)
    constants: dict = field(default_factory=dict)
    statics: frozenset = frozenset()  # the methods under @staticmethod
    properties: frozenset = frozenset()  # the methods under @property: read as attributes
    held: dict = field(default_factory=dict)  # attribute -> the Blueprint of the object its constructor makes
    # there (self.fc1 = Dense(W1, b1)), whose attributes are the object's own, fc1_W (see _nested)
    held_lists: dict = field(default_factory=dict)  # attribute -> the attributes holding the objects of the
    # list it is made (self.layers = [Dense(W1, b1), Dense(W2, b2)]: layers_0, layers_1)
    bases: tuple = ()  # the names of the module's classes it derives from, nearest first (isinstance)
    flattened: set = field(default_factory=set)  # the attributes made for held objects' (fc1_W), which
    # no code of the user's names

    @functools.cached_property
    def attributes(self):
        """The attributes of ``self`` its constructor sets."""
        return {n.attr for stmt in self.body or () for n in walk(stmt) if _of_self(n) and
                isinstance(n.ctx, ast.Store)}

    def set_by_methods(self):
        """``{attribute: method}`` of the attributes its methods set (``self.cache = x``)."""
        return {attr: name for name, node in sorted(self.methods.items())
                for attr in sorted(methods.attribute_stores(node))}


def _of_self(node):
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"


def _dotted(node):
    if isinstance(node, ast.Call):
        node = node.func
    return ast.unparse(node)


def class_names(module):
    """The names the module's top level binds to classes or to ``namedtuple(...)`` (a quick first look)."""
    return {stmt.name for stmt in module.body if isinstance(stmt, ast.ClassDef)} | {
        stmt.targets[0].id for stmt in module.body if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name) and isinstance(stmt.value, ast.Call)
        and _dotted(stmt.value) in _NAMEDTUPLE_CALLS}


def blueprints(module, classes, constants, bound_once):
    """``{name: Blueprint}`` of the classes ``classes`` (``{name: ClassDef}``, the module's top level
    binds each once) and of the module's ``P = namedtuple("P", ...)`` for names ``bound_once(name)``;
    ``constants``: the class constants (``{(class, name): value}``)."""
    found = {}
    for name, node in _bases_first(classes):
        own = {attr: value for (owner, attr), value in constants.items() if owner == name}
        base = _base_of(node, classes)
        if base is not None:  # (class Linear(Layer): what Layer defines, and what Linear does over it)
            made = _derived(node, found.get(base), own) if base in found else None
        else:
            made = _of_class(node, own)
        if made is not None:
            found[name] = made
    for stmt in module.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and \
                isinstance(stmt.value, ast.Call) and _dotted(stmt.value) in _NAMEDTUPLE_CALLS and \
                bound_once(stmt.targets[0].id):
            made = _of_namedtuple(stmt.targets[0].id, stmt.value)
            if made is not None:
                found[made.name] = made
    for _ in range(_NESTING):  # (a model holding blocks holding layers: the innermost written out first)
        if not any(_nested(bp, found) for bp in found.values()):
            break
    return found


_NESTING = 4  # how deep objects holding objects are written out
HELD = "_"  # between an attribute holding an object and that object's attribute: fc1_W of self.fc1.W


def held_classes(classes):
    """The names of the classes of ``classes`` (``{name: ClassDef}``) whose objects the constructors of
    these make (``self.fc1 = Dense(W1, b1)``)."""
    return {n.func.id for node in classes.values() for stmt in node.body
            if isinstance(stmt, ast.FunctionDef) and stmt.name == "__init__" for n in walk(stmt)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}


def _nested(blueprint, found):
    """Write into ``blueprint``'s constructor each object of a class of ``found`` it makes and keeps as an
    attribute, once (``self.fc1 = Dense(W1, b1)``), where its class holds no such object itself: that
    constructor's statements, its parameters local names (``fc1_W``), its attributes the object's own
    (``self.fc1_W``; not where the class has such names of its own); ``blueprint.held`` notes the attribute's class, whose methods its methods then call
    with those attributes.  Whether it wrote any."""
    if not blueprint.body:
        return False
    stores = [n.attr for stmt in blueprint.body for n in walk(stmt) if _of_self(n) and isinstance(n.ctx, ast.Store)]
    by_methods = blueprint.set_by_methods()
    body, wrote = [], False
    taken = set(stores) | set(by_methods) | set().union(*map(names_of, blueprint.body)) | {
        n.attr for method in blueprint.methods.values() for n in walk(method) if _of_self(n)}
    for stmt in blueprint.body:
        made = _made_objects(stmt, found, blueprint)
        attr = stmt.targets[0].attr if made else None
        if not made or stores.count(attr) != 1 or attr in by_methods or any(inner.held for inner in made):
            body.append(stmt)
            continue
        listed = isinstance(stmt.value, (ast.List, ast.Tuple))
        attrs = [f"{attr}{HELD}{k}" for k in range(len(made))] if listed else [attr]
        calls = stmt.value.elts if listed else [stmt.value]
        statements = [_inner_constructor(a, inner, call, blueprint) for a, inner, call in zip(attrs, made, calls)]
        if None in statements:
            body.append(stmt)
            continue
        written = [s for part in statements for s in part]
        flattened = {n.attr for s in written for n in walk(s) if _of_self(n)} | (set(attrs) - {attr})
        locals_ = {n.id for s in written for n in walk(s)
                   if isinstance(n, ast.Name) and any(n.id.startswith(a + HELD) for a in attrs)}
        if (flattened | locals_) & (taken - {attr}):  # (fc1_W made for self.fc1.W where the class has an fc1_W of
            body.append(stmt)  # its own: not written so)
            continue
        body += written
        blueprint.flattened |= flattened
        blueprint.held.update(zip(attrs, made))
        if listed:
            blueprint.held_lists[attr] = attrs
        wrote = True
    if wrote:
        blueprint.body = body
        blueprint.__dict__.pop("attributes", None)
    return wrote


def _made_objects(stmt, found, blueprint):
    """The Blueprints of the objects ``stmt`` makes and keeps (``self.fc1 = Dense(...)``, or a list of them,
    ``self.layers = [Dense(...), Dense(...)]``), or []."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and _of_self(stmt.targets[0])):
        return []
    calls = stmt.value.elts if isinstance(stmt.value, (ast.List, ast.Tuple)) else [stmt.value]
    if not calls or not all(isinstance(c, ast.Call) and isinstance(c.func, ast.Name) and c.func.id in found and
                            found[c.func.id] is not blueprint and found[c.func.id].body is not None for c in calls):
        return []
    return [found[c.func.id] for c in calls]


def _inner_constructor(attr, inner, call, outer):
    """The statements of ``inner``'s constructor for ``self.attr = Inner(...)`` in the constructor of the
    class ``outer`` (a Blueprint): each parameter a local name ``attr_p`` given the call's argument (or its
    default), its locals ``attr_name``, ``self.x`` as ``self.attr_x``; None where the call spreads arguments
    or does not bind, or the constructor reads a name of the module that ``outer``'s binds (written there,
    it would read that one)."""
    params = [p for p, _ in inner.params]
    given, _, problem = _given(inner, call)
    if problem:
        return None
    body = [tree_copy(s) for s in inner.body
            if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant) and isinstance(s.value.value, str))]
    local = set(params) | set().union(set(), *map(_stores, body))
    free = set().union(set(), *map(names_of, body)) - local - {"self"}
    if free & ({p for p, _ in outer.params} | set().union(set(), *map(_stores, outer.body or ()))):
        return None
    prefix = f"{attr}{HELD}" if attr is not None else f"{inner.name}{HELD}"  # (a base's constructor: its
    # parameters and locals named apart, its attributes the object's own)

    class Renamed(ast.NodeTransformer):
        def visit_Attribute(self, node):
            if _of_self(node):
                if isinstance(node.ctx, ast.Load) and node.attr in inner.constants and node.attr not in inner.attributes:
                    return ast.copy_location(ast.Constant(inner.constants[node.attr]), node)
                if attr is not None:
                    node.attr = f"{attr}{HELD}{node.attr}"
                return node
            return self.generic_visit(node)

        def visit_Name(self, node):
            if node.id in local:
                node.id = f"{prefix}{node.id}"
            return node
    statements = [ast.copy_location(ast.Assign([ast.copy_location(ast.Name(f"{prefix}{p}", ast.Store()), call)],
                                               tree_copy(given[p])), call) for p in params]
    statements += [Renamed().visit(stmt) for stmt in body]
    for stmt in statements:
        ast.fix_missing_locations(ast.copy_location(stmt, call) if not hasattr(stmt, "lineno") else stmt)
        for node in walk(stmt):  # (errors point at the line making the object)
            if hasattr(node, "lineno"):
                ast.copy_location(node, call)
    return statements


def why_not(node, classes):
    """Why backgen does not follow the objects of the class ``node`` (one ``blueprints`` did not read), in
    words; ``classes``: the module's classes (``{name: ClassDef}``)."""
    bases = [_dotted(b) for b in node.bases]
    if node.decorator_list and [_dotted(d) for d in node.decorator_list] != ["dataclass"] or \
            node.decorator_list and any(isinstance(d, ast.Call) for d in node.decorator_list):
        return "it has a decorator other than @dataclass, or one given arguments backgen does not read"
    if node.keywords:
        return "it has a metaclass or class keywords"
    if len(bases) > 1:
        return "it derives from several classes"
    if bases and bases[0] not in classes and bases[0] not in ("object",) and bases[0] not in _NAMED_TUPLE:
        return f"it derives from {bases[0]}, which is no class of the module"
    if bases and (node.decorator_list or classes.get(bases[0]) is not None and classes[bases[0]].decorator_list):
        return "it is a dataclass deriving from another class, or derives from a dataclass"
    return "its fields or methods are of a kind backgen does not read (a field(...) with a factory, an InitVar)"


def unfollowed_message(name, why):
    """The refusal of a call of the class ``name`` of the module, whose objects backgen does not follow."""
    return (f"{name} is a class of your module whose objects backgen does not follow: {why}; it follows a plain "
            f"class (its __init__ setting attributes of self), a @dataclass, a NamedTuple or a namedtuple, and a "
            f"class deriving from one such class of the module")


def base_classes(classes, chosen):
    """The names of the classes of ``classes`` (``{name: ClassDef}``) the classes ``chosen`` derive from."""
    return {b.id for name in chosen for b in classes[name].bases if isinstance(b, ast.Name) and b.id in classes}


def _base_of(node, classes):
    """The module's class ``node`` derives from alone (``class Linear(Layer)``), or None."""
    if len(node.bases) == 1 and isinstance(node.bases[0], ast.Name) and node.bases[0].id in classes:
        return node.bases[0].id
    return None


def _bases_first(classes):
    """``classes``'s items, each after the class it derives from."""
    done, order = set(), []

    def visit(name, depth=0):
        if name in done or depth > len(classes):
            return
        base = _base_of(classes[name], classes)
        if base is not None:
            visit(base, depth + 1)
        done.add(name)
        order.append((name, classes[name]))
    for name in classes:
        visit(name)
    return order


def _derived(node, base, constants):
    """The Blueprint of ``node``, a class deriving from the class ``base`` (a Blueprint) alone: its methods
    over the base's, its constructor its own (``super().__init__(...)`` or ``Base.__init__(self, ...)`` in it
    the base's constructor written there, once, as a statement of its own) or else the base's.  None where
    the class is none ``_of_class`` reads; one whose constructor is not followed, saying why, where it calls
    the base otherwise (``super().forward(x)``)."""
    if node.decorator_list or base.node.decorator_list or isinstance(base.node, ast.Call):
        return None  # (a dataclass deriving or derived from: its fields the bases' and its own, not followed)
    own = _of_class(_without_bases(node), constants, base=True)
    if own is None:
        return None
    methods_ = {**base.methods, **own.methods}
    statics = (base.statics - set(own.methods)) | own.statics
    properties = (base.properties - set(own.methods)) | own.properties
    merged = dict(methods=methods_, constants={**base.constants, **own.constants}, statics=frozenset(statics),
                  properties=frozenset(properties), bases=(base.name,) + base.bases)
    parents = node_parents(node)
    init = next((m for m in node.body if isinstance(m, ast.FunctionDef) and m.name == "__init__"), None)
    for n in walk(node):  # (super() or Base.m(self) otherwise than the base's __init__ in the constructor)
        call = n if isinstance(n, ast.Call) and _base_call(n, base.name) else None
        if isinstance(n, ast.Name) and n.id == "super":
            owner = parents.get(n)
            call = parents.get(parents.get(owner)) if isinstance(parents.get(owner), ast.Attribute) else n
        if call is None:
            continue
        stmt = parents.get(call)
        if not (_base_call(call, base.name) and call.func.attr == "__init__" and isinstance(stmt, ast.Expr) and
                init is not None and stmt in init.body):
            return Blueprint(node.name, node, own.params, None, f"it calls {base.name}'s methods through super() "
                             f"or {base.name}.method(self, ...), which backgen does not follow: call a function "
                             f"of the module instead", **merged)
    init = next((m for m in node.body if isinstance(m, ast.FunctionDef) and m.name == "__init__"), None)
    if init is None:  # (the base's constructor)
        return Blueprint(node.name, node, list(base.params), base.body, base.why, **merged)
    if own.body is None or base.body is None and any(_base_call(n, base.name) for n in walk(init)):
        return Blueprint(node.name, node, own.params, None, own.why or base.why, **merged)
    body = []
    for stmt in own.body:
        call = stmt.value if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and \
            _base_call(stmt.value, base.name) else None
        if call is None:
            body.append(stmt)
            continue
        if isinstance(call.func.value, ast.Name):  # (Base.__init__(self, W): self given first)
            if not call.args or not (isinstance(call.args[0], ast.Name) and call.args[0].id == "self"):
                return None
            call = ast.copy_location(ast.Call(call.func, call.args[1:], call.keywords), call)
        written = _inner_constructor(None, base, call, own)
        if written is not None and {n.id for w in written for n in walk(w) if isinstance(n, ast.Name) and
                                    n.id.startswith(base.name + HELD)} & set().union(*map(names_of, own.body)):
            written = None  # (a name of its own the base's parameters would be named)
        if written is None:
            return Blueprint(node.name, node, own.params, None, f"its call of {base.name}.__init__ does not bind",
                             **merged)
        body += written
    if any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "__init__"
           for stmt in body for n in walk(stmt)):  # (another class's __init__ called: not followed)
        return Blueprint(node.name, node, own.params, None, "its __init__ calls the constructor of a class it "
                         "does not derive from", **merged)
    return Blueprint(node.name, node, own.params, body, own.why, **merged)


def _without_bases(node):
    """A copy of the class ``node`` with no base (its own part, as ``_of_class`` reads a class)."""
    copy = tree_copy(node)
    copy.bases = []
    return copy


def _base_call(node, base):
    """Whether ``node`` calls the base class's ``__init__`` or a method of it: ``super().m(...)`` or
    ``Base.m(self, ...)``."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return False
    owner = node.func.value
    return isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "super" and \
        not owner.args or isinstance(owner, ast.Name) and owner.id == base


def _of_namedtuple(name, call):
    """A ``namedtuple("P", "W b", defaults=...)`` as a Blueprint, or None where its fields are not
    written out."""
    if len(call.args) != 2 or any(k.arg not in ("defaults",) for k in call.keywords):
        return None
    spec = call.args[1]
    if isinstance(spec, ast.Constant) and isinstance(spec.value, str):
        fields = [f for f in re.split(r"[,\s]+", spec.value) if f]
    elif isinstance(spec, (ast.List, ast.Tuple)) and all(isinstance(e, ast.Constant) and isinstance(e.value, str)
                                                          for e in spec.elts):
        fields = [e.value for e in spec.elts]
    else:
        return None
    defaults = next((k.value for k in call.keywords if k.arg == "defaults"), None)
    if defaults is not None and not isinstance(defaults, (ast.List, ast.Tuple)):
        return None
    values = list(defaults.elts) if defaults is not None else []
    if len(values) > len(fields) or not all(f.isidentifier() for f in fields):
        return None
    required = len(fields) - len(values)
    params = [(f, None) for f in fields[:required]] + list(zip(fields[required:], values))
    return Blueprint(name, call, params, _fields_set(fields, call))


def _fields_set(fields, node):
    """``self.f = f`` for each field: what a dataclass's or a named tuple's constructor does."""
    body = []
    for f in fields:
        stmt = ast.Assign([ast.Attribute(ast.Name("self", ast.Load()), f, ast.Store())], ast.Name(f, ast.Load()))
        body.append(ast.fix_missing_locations(ast.copy_location(stmt, node)))
        for sub in walk(stmt):
            ast.copy_location(sub, node)
    return body


def _of_class(node, constants, base=False):
    """A class's Blueprint, or None where it is no class backgen follows objects of (a base other than
    ``NamedTuple``, a metaclass, a decorator other than ``@dataclass``); ``base``: the class's own part,
    of a class deriving from another of the module (its calls of the base's ``__init__`` allowed)."""
    if node.keywords:
        return None
    bases = [_dotted(b) for b in node.bases]
    named = bool(bases) and bases[0] in _NAMED_TUPLE
    if bases not in ([], ["object"]) and not (named and len(bases) == 1):
        return None
    decorators = [_dotted(d) for d in node.decorator_list]
    data = len(decorators) == 1 and decorators[0] in _DATACLASS
    if node.decorator_list and not data:
        return None
    if data and isinstance(node.decorator_list[0], ast.Call):
        call = node.decorator_list[0]
        if call.args or any(k.arg not in _DATACLASS_KEYWORDS for k in call.keywords):
            return None
    own, kinds = {}, {}
    for stmt in node.body:
        decorators = [ast.unparse(d) for d in getattr(stmt, "decorator_list", ())]
        if isinstance(stmt, ast.FunctionDef) and decorators in ([], ["staticmethod"], ["property"]):
            own[stmt.name] = stmt if stmt.name not in own else None
            kinds[stmt.name] = decorators[0] if decorators else "method"
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            own[stmt.name] = None  # (a class method, a setter, a nested class: not followed here)
    statics = frozenset(n for n, k in kinds.items() if k == "staticmethod" and own[n] is not None)
    properties = frozenset(n for n, k in kinds.items() if k == "property" and own[n] is not None)
    if data or named:
        fields, params = [], []
        for stmt in node.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and \
                    "ClassVar" not in ast.unparse(stmt.annotation):
                value = stmt.value
                if isinstance(value, ast.Call) and _dotted(value) in ("field", "dataclasses.field"):
                    value = next((k.value for k in value.keywords if k.arg == "default"), None)
                    if value is None or len(stmt.value.keywords) != 1 or stmt.value.args:
                        return None
                if "InitVar" in ast.unparse(stmt.annotation):
                    return None
                fields.append(stmt.target.id)
                params.append((stmt.target.id, value))
        if "__init__" in own:
            return None
        body = _fields_set(fields, node)
        post = own.pop("__post_init__", None) if data else None
        if post is not None:
            if len(post.args.args) != 1 or post.args.vararg or post.args.kwarg or post.args.kwonlyargs:
                return None
            body += list(post.body)
        constants = {k: v for k, v in constants.items() if k not in fields}
        return Blueprint(node.name, node, params, body, methods={k: v for k, v in own.items() if v is not None},
                         constants=constants, statics=statics, properties=properties)
    init = own.pop("__init__", "none")
    methods_ = {k: v for k, v in own.items() if v is not None}
    kinds = {"statics": statics, "properties": properties}
    if init == "none":
        return Blueprint(node.name, node, [], [], methods=methods_, constants=constants, **kinds)
    if init is None:
        return Blueprint(node.name, node, [], None, "its __init__ is decorated or defined twice", methods_, constants,
                         **kinds)
    args = init.args
    if not args.args or args.args[0].arg != "self" or args.vararg or args.kwarg or args.kwonlyargs or \
            getattr(args, "posonlyargs", []):
        return Blueprint(node.name, node, [], None, "its __init__ takes *args, **kwargs or keyword-only "
                         "parameters", methods_, constants, **kinds)
    names = [a.arg for a in args.args[1:]]
    defaults = [None] * (len(names) - len(args.defaults)) + list(args.defaults)
    why = _constructor_why(init)
    if not why and not base and any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and
                                    n.func.attr == "__init__" for n in walk(init)):
        why = "its __init__ calls the constructor of a class it does not derive from"
    return Blueprint(node.name, node, list(zip(names, defaults)), None if why else list(init.body), why,
                     methods_, constants, **kinds)


def _constructor_why(init):
    """Why backgen does not follow what ``__init__`` does (a return, a use of ``self`` other than setting
    and reading its attributes, a nested function), or ''."""
    parents = node_parents(init)
    for node in walk(init):
        if node is init:
            continue
        if isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom, ast.Global, ast.Nonlocal)):
            return "its __init__ returns, yields or declares a global"
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            return "its __init__ defines a function"
        if isinstance(node, ast.Name) and node.id == "self" and node is not init.args.args[0]:
            if isinstance(node.ctx, ast.Store):
                return "its __init__ binds self"
            read = parents.get(node)
            if isinstance(read, ast.Call) and read.args and read.args[0] is node and \
                    isinstance(read.func, ast.Attribute) and read.func.attr == "__init__" and \
                    isinstance(read.func.value, ast.Name):
                continue  # (Base.__init__(self, W): a base's constructor, which _derived writes out)
            if not isinstance(read, ast.Attribute) or isinstance(parents.get(read), ast.Call) and \
                    parents[read].func is read:
                return "its __init__ passes self on or calls a method of it"
        if isinstance(node, (ast.Subscript,)) and isinstance(node.ctx, (ast.Store, ast.Del)):
            base = node.value
            while isinstance(base, ast.Subscript):
                base = base.value
            if _of_self(base):
                return "its __init__ writes into an attribute's array"
        if isinstance(node, ast.AugAssign) and _of_self(node.target):
            return "its __init__ changes an attribute in place (self.x += ...)"
    return ""


class _Fresh:
    """Fresh names of the function: ``stem``, else ``stem2``, ``stem3``..."""

    def __init__(self, taken):
        self.taken = set(taken)
        self.made = set()
        self.said = {}  # a name made for an object's attribute -> the attribute as the user writes it

    def __call__(self, stem, said=None):
        name = next(f"{stem}{k or ''}" for k in itertools.count() if k != 1 and f"{stem}{k or ''}" not in self.taken)
        self.taken.add(name)
        self.made.add(name)
        if said is not None:
            self.said[name] = said
        return name

    def ours(self, node):
        """Whether ``node`` is a name made here (not the user's)."""
        return isinstance(node, ast.Name) and node.id in self.made


def _stores(tree):
    """The names a def (its parameters too) or a statement binds (an assignment, a loop, an import, a
    def, a ``global``...)."""
    bound = {a.arg for a in walk(tree.args) if isinstance(a, ast.arg)} if isinstance(tree, ast.FunctionDef) else set()
    return bound | bound_names(tree) | {name for node in walk(tree) if isinstance(node, (ast.Global, ast.Nonlocal))
                                        for name in node.names}


def _own_expressions(stmt):
    """The expressions a statement evaluates once, as it starts (an ``if``'s test, a ``for``'s iterable;
    a plain statement's whole), where a value made in them may be named before it."""
    if isinstance(stmt, (ast.If,)):
        return [stmt.test]
    if isinstance(stmt, (ast.For, ast.AsyncFor)):
        return [stmt.iter]
    if isinstance(stmt, (ast.While, ast.Try, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.With,
                         ast.AsyncWith)) or type(stmt).__name__ in ("Match", "TryStar"):
        return []
    return [stmt]


def _named_first(func, blueprints, fresh):
    """Name each object made and used at once (``Dense(W1, b1)(x)``, ``Dense(W1, b1).forward(x)``,
    ``Config(lr=0.1).lr``) in a statement before the one using it, where Python evaluates it once as
    that statement starts (not under a lambda, a comprehension, a conditional or a short circuit)."""
    def made(node):
        return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in blueprints

    def rewrite(block):
        out = []
        for stmt in block:
            for inner in statement_blocks(stmt):
                inner[:] = rewrite(inner)
            before = []
            for root in _own_expressions(stmt):
                parents = node_parents(root)
                for node in list(walk(root)):
                    holder = parents.get(node)
                    used = isinstance(holder, ast.Attribute) and holder.value is node or \
                        isinstance(holder, ast.Call) and holder.func is node
                    if not (made(node) and used) or _guarded(node, parents, root):
                        continue
                    name = fresh(node.func.id.lower() if node.func.id.lower() != node.func.id else
                                 node.func.id + "_obj")
                    before.append(ast.copy_location(ast.Assign([ast.copy_location(ast.Name(name, ast.Store()), node)],
                                                               node), node))
                    target = ast.copy_location(ast.Name(name, ast.Load()), node)
                    if isinstance(holder, ast.Attribute):
                        holder.value = target
                    else:
                        holder.func = target
            out += before + [stmt]
        return out
    func.body = rewrite(func.body)
    ast.fix_missing_locations(func)


def _lists_unrolled(func, blueprints_, fresh):
    """A list (or tuple) of objects the function makes (``layers = [Dense(W1, b1), Relu(), Dense(W2, b2)]``),
    bound once and read only as a loop's iterable (``for layer in layers:``, ``reversed(layers)``), an item
    at a number (``layers[-1]``) or its length, made one name per object (``layers_0 = Dense(W1, b1)``): each
    loop written out once per object, its variable read as that object's name, an item read as its
    object's.  A loop with a ``break``, ``continue`` or ``else``, whose variable its body sets or the function
    reads elsewhere, leaves the list as it is (refused where made)."""
    parents = node_parents(func)
    for stmt in [n for n in walk(func) if isinstance(n, ast.Assign) and len(n.targets) == 1 and
                 isinstance(n.targets[0], ast.Name) and isinstance(n.value, (ast.List, ast.Tuple)) and n.value.elts
                 and all(isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and e.func.id in blueprints_
                         for e in n.value.elts)]:
        name, count = stmt.targets[0].id, len(stmt.value.elts)
        uses = [n for n in walk(func) if isinstance(n, ast.Name) and n.id == name]
        if any(not isinstance(n.ctx, ast.Load) and n is not stmt.targets[0] for n in uses) or \
                name in {a.arg for a in walk(func.args) if isinstance(a, ast.arg)}:
            continue
        found = _list_reads([use for use in uses if use is not stmt.targets[0]], parents, count)
        if found is not None:
            loops, items, lengths = found
            if not _variables_kept(func, [loop for loop, _ in loops]):
                continue
            names = [fresh(f"{name}_{k}", f"{name}[{k}]") for k in range(count)]
            block, at = _block_of(func, stmt)
            block[at:at + 1] = [ast.copy_location(ast.Assign([ast.copy_location(ast.Name(n, ast.Store()), e)], e),
                                                  stmt) for n, e in zip(names, stmt.value.elts)]
            for holder in items:
                _replace(parents, holder, ast.copy_location(ast.Name(names[_index(holder.slice, count)], ast.Load()),
                                                            holder))
            for holder in lengths:
                _replace(parents, holder, ast.copy_location(ast.Constant(count), holder))
            for loop, backwards in loops:
                order = names[::-1] if backwards else names
                block, at = _block_of(func, loop)
                block[at:at + 1] = [s for n in order for s in _with_name(loop.body, loop.target.id, n)]
            parents = node_parents(func)
    ast.fix_missing_locations(func)


def _list_reads(uses, parents, count):
    """``(loops, items, lengths)`` of the reads ``uses`` of a list of ``count`` objects: as a loop's iterable
    (``_looped``), an item at a number (the subscript) or its length (the ``len`` call); None where one is
    none of these."""
    loops, items, lengths = [], [], []
    for use in uses:
        holder = parents.get(use)
        loop = _looped(use, holder, parents) if isinstance(use.ctx, ast.Load) else None
        if loop is not None:
            loops.append(loop)
        elif isinstance(holder, ast.Subscript) and holder.value is use and isinstance(holder.ctx, ast.Load) \
                and _index(holder.slice, count) is not None:
            items.append(holder)
        elif isinstance(holder, ast.Call) and ast.unparse(holder.func) == "len" and holder.args == [use]:
            lengths.append(holder)
        else:
            return None
    return loops, items, lengths


def _looped(use, holder, parents):
    """``(loop, backwards)`` where ``use`` is the iterable of a loop that may be written out per item
    (``for v in use:``, ``for v in reversed(use):``): no jump, no ``else``, a name its variable; else None."""
    backwards = isinstance(holder, ast.Call) and ast.unparse(holder.func) == "reversed" and holder.args == [use] \
        and not holder.keywords
    loop = parents.get(holder) if backwards else holder
    if not isinstance(loop, ast.For) or loop.iter is not (holder if backwards else use) or loop.orelse or \
            not isinstance(loop.target, ast.Name) or own_jumps(loop.body):
        return None
    return loop, backwards


def _variables_kept(func, loops):
    """Whether each loop's variable is read only in the body of a loop of ``loops`` it is the variable
    of, and set by none of them but as their variable."""
    inside = {}  # id of a name in the body of a loop -> that loop's variable
    for loop in loops:
        inside.update((id(n), loop.target.id) for stmt in loop.body for n in walk(stmt))
    targets = {id(loop.target) for loop in loops}
    variables = {loop.target.id for loop in loops}
    return all(id(n) in targets or isinstance(n.ctx, ast.Load) and inside.get(id(n)) == n.id
               for n in walk(func) if isinstance(n, ast.Name) and n.id in variables)


def _index(node, count):
    """The item a constant index ``node`` (``0``, ``-1``) reads of ``count``, or None."""
    value = node.value if isinstance(node, ast.Constant) else -node.operand.value if isinstance(node, ast.UnaryOp) \
        and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) else None
    if type(value) is not int or not -count <= value < count:
        return None
    return value % count


def _block_of(func, stmt):
    """``(block, position)`` of the statement ``stmt`` in ``func``."""
    for node in walk(func):
        for block in statement_blocks(node):
            for k, item in enumerate(block):
                if item is stmt:
                    return block, k
    raise ValueError("statement not in the function")


def _replace(parents, node, new):
    """Put ``new`` where ``node`` stands in its parent."""
    put_in(parents[node], node, new)


def _with_name(body, variable, name):
    """A copy of the statements ``body`` with each read of ``variable`` a read of ``name``."""
    return _renamed([tree_copy(stmt) for stmt in body], variable, name)


def _with_attribute(body, variable, attr):
    """A copy of the statements ``body`` with each read of ``variable`` a read of ``self.attr``."""
    class Put(ast.NodeTransformer):
        def visit_Name(self, node):
            if node.id == variable:
                return ast.copy_location(ast.Attribute(ast.Name("self", ast.Load()), attr, ast.Load()), node)
            return node
    return [ast.fix_missing_locations(Put().visit(tree_copy(stmt))) for stmt in body]


def _renamed(statements, old, new):
    """``statements``, each name ``old`` in them (in place) ``new``."""
    for stmt in statements:
        for node in walk(stmt):
            if isinstance(node, ast.Name) and node.id == old:
                node.id = new
    return statements


def _guarded(node, parents, root):
    """Whether ``node`` is evaluated under a lambda, a comprehension, a conditional expression or a short
    circuit within ``root``: not certainly once as the statement starts."""
    holder = parents.get(node)
    while holder is not None and holder is not root:
        if isinstance(holder, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
                               ast.IfExp, ast.BoolOp)):
            return True
        holder = parents.get(holder)
    return False


def written_out(func, blueprints_, helper, refuse, taken):
    """Rewrite ``func`` in place (see the module's docstring).  ``taken``: names the function may not
    take for new ones (the module's, its helpers')."""
    if not blueprints_:
        return
    bound = _stores(func)
    live = {name: bp for name, bp in blueprints_.items() if name not in bound}
    if not any(isinstance(n, ast.Name) and n.id in live for n in walk(func)):
        return
    fresh = _Fresh(taken | names_of(func) | bound)
    user_refuse = refuse

    def refuse(message, node):  # (names made here said as the user wrote them)
        return user_refuse(spoken(func, message, fresh.said), node)
    _named_first(func, live, fresh)
    _lists_unrolled(func, live, fresh)
    objects = _objects(func, live)
    made = {}  # (class, method) -> (helper, attributes it reads)
    maker = _Helpers(blueprints_, helper, refuse, fresh, made)
    rebound = set().union(*map(_stores, func.body))  # (names the body binds: a parameter it never
    # rebinds holds the caller's value throughout)
    shadowed = _stores(func) - fresh.made  # (the function's own names, which a constructor written out reads)
    names = {obj: {} for obj in objects}  # object -> attribute -> the name or expression holding it
    sites, stored = {obj: 0 for obj in objects}, {obj: set() for obj in objects}
    for node in walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and \
                node.targets[0].id in objects:
            sites[node.targets[0].id] += 1
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in objects \
                and not isinstance(node.ctx, ast.Load):
            stored[node.value.id].add(node.attr)
    # (an attribute may be read as the argument that set it, W1 of Dense(W1, b1), where the object is made
    # once and the function sets the attribute nowhere: else it is a name of its own, set where it is made)
    fixed = {obj: None if sites[obj] > 1 else stored[obj] for obj in objects}

    class Rewrite(ast.NodeTransformer):
        def visit_Assign(self, node):
            if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and \
                    node.targets[0].id in objects and isinstance(node.value, ast.Call):
                obj = node.targets[0].id
                return [self.visit(stmt) for stmt in _constructed(obj, objects[obj], node.value, names[obj], fresh,
                                                                  rebound, refuse, fixed[obj], shadowed)] or \
                    ast.copy_location(ast.Pass(), node)
            return self.generic_visit(node)

        def visit_Call(self, node):
            callee = node.func
            kind = _kind_test(node, objects, blueprints_)
            if kind is not None:  # (isinstance(layer, Affine): known where the object is)
                return ast.copy_location(ast.Constant(kind), node)
            held = _held_object(callee, objects)  # (net.fc(x), net.fc.forward(x): fc an object net holds)
            if held is not None:
                obj, attr, method = held
                blueprint = objects[obj].held[attr]
                if method not in blueprint.methods:
                    raise refuse(f"{obj}.{attr} is an object of your class {blueprint.name}, which defines no "
                                 f"{method}", node)
                name, attrs = maker.make(blueprint, method, node)
                reads = [_attribute_read(obj, objects[obj], f"{attr}{HELD}{a}", names[obj], node, refuse)
                         for a in attrs]
                node.func = ast.copy_location(ast.Name(name, ast.Load()), callee)
                node.args = reads + [self.visit(arg) for arg in node.args]
                node.keywords = [self.visit(keyword) for keyword in node.keywords]
                return node
            if isinstance(callee, ast.Name) and callee.id in objects:
                obj, method = callee.id, "__call__"
            elif isinstance(callee, ast.Attribute) and isinstance(callee.value, ast.Name) and \
                    callee.value.id in objects and callee.attr in objects[callee.value.id].methods:
                obj, method = callee.value.id, callee.attr
            else:
                return self.generic_visit(node)
            blueprint = objects[obj]
            if method not in blueprint.methods:
                raise refuse(f"{obj} is an object of your class {blueprint.name}, which defines no __call__", node)
            name, attrs = maker.make(blueprint, method, node)
            reads = []
            for attr in attrs:
                reads.append(_attribute_read(obj, blueprint, attr, names[obj], node, refuse))
            node.func = ast.copy_location(ast.Name(name, ast.Load()), callee)
            node.args = reads + [self.visit(arg) for arg in node.args]
            node.keywords = [self.visit(keyword) for keyword in node.keywords]
            return node

        def visit_Attribute(self, node):
            inner = node.value
            if isinstance(inner, ast.Attribute) and isinstance(inner.value, ast.Name) and inner.value.id in objects \
                    and inner.attr in objects[inner.value.id].held and isinstance(node.ctx, ast.Load):
                obj, blueprint = inner.value.id, objects[inner.value.id].held[inner.attr]  # (net.fc.W)
                if node.attr in blueprint.attributes:
                    return ast.copy_location(_attribute_read(obj, objects[obj], f"{inner.attr}{HELD}{node.attr}",
                                                             names[obj], node, refuse), node)
            if isinstance(node.value, ast.Name) and node.value.id in objects:
                obj, blueprint = node.value.id, objects[node.value.id]
                if node.attr in blueprint.flattened or node.attr in blueprint.held_lists or \
                        node.attr in blueprint.held and not isinstance(node.ctx, ast.Load):
                    raise refuse(f"{obj}.{node.attr}: backgen follows the objects {obj} holds as the "
                                 f"attributes of {obj} itself, which this name spells too, or sets: read them "
                                 f"through the object held ({obj}.fc.W), and set none", node)
                if isinstance(node.ctx, ast.Load) and node.attr in blueprint.properties:  # (a property: its helper
                    name, attrs = maker.make(blueprint, node.attr, node)  # called with what it reads)
                    reads = [_attribute_read(obj, blueprint, attr, names[obj], node, refuse) for attr in attrs]
                    return ast.copy_location(ast.Call(ast.Name(name, ast.Load()), reads, []), node)
                if isinstance(node.ctx, ast.Load):
                    return ast.copy_location(_attribute_read(obj, blueprint, node.attr, names[obj], node, refuse), node)
                if not fresh.ours(names[obj].get(node.attr)):  # (an attribute the function sets first)
                    said = f"{fresh.said.get(obj, obj)}.{node.attr}"
                    names[obj][node.attr] = ast.Name(fresh(f"{obj}_{node.attr}", said), ast.Load())
                return ast.copy_location(ast.Name(names[obj][node.attr].id, node.ctx), node)
            return self.generic_visit(node)

        def visit_If(self, node):
            node.test = self.visit(node.test)
            if isinstance(node.test, ast.Constant):  # (a test isinstance decided: the branch it takes)
                branch = node.body if node.test.value else node.orelse
                taken = [s for stmt in branch for s in _listed(self.visit(stmt))]
                return taken or ast.copy_location(ast.Pass(), node)
            node.body = [s for stmt in node.body for s in _listed(self.visit(stmt))]
            node.orelse = [s for stmt in node.orelse for s in _listed(self.visit(stmt))]
            return node

        def visit_Name(self, node):
            if node.id in objects and isinstance(node.ctx, ast.Load):
                raise refuse(f"{node.id} is an object of your class {objects[node.id].name}, used here as a value: "
                             f"backgen follows an object made in the function through its attributes and methods "
                             f"({node.id}.attr, {node.id}.method(...), {node.id}(...)); pass what it holds instead",
                             node)
            return node

    func.body = [s for stmt in func.body for s in _listed(Rewrite().visit(stmt))]
    ast.fix_missing_locations(func)
    func.spoken_as = dict(getattr(func, "spoken_as", {}), **fresh.said)
    for node in walk(func):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in live:
            raise refuse(f"this makes an object of your class {node.func.id}, which backgen follows where a name "
                         f"is bound to it alone (layer = {node.func.id}(...)) and read through its attributes and "
                         f"methods (layer.attr, layer.method(...), layer(...)), or where a list of objects is read as "
                         f"a loop's iterable (its variable read in the loop alone), an item at a number or its "
                         f"length; not passed on or returned", node)


def spoken(func, message, said=None):
    """``message`` with each name ``written_out`` made for an object or its attribute in ``func`` (and each
    version of it, ``layer_W_1``) as the user wrote it (``layer.W``, ``layers[0]``); ``said``: those names
    (``{name: text}``) instead of the function's."""
    for name, text in (getattr(func, "spoken_as", {}) if said is None else said).items():
        if name in message:
            message = re.sub(rf"\b{name}(_\d+)?\b", text, message)
    return message


def _listed(value):
    return value if isinstance(value, list) else [value]


def _objects(func, blueprints_):
    """``{name: Blueprint}`` of the names the function binds only to objects of one class of
    ``blueprints_``, by ``name = Class(...)``: of the others, none."""
    parents = node_parents(func)
    found, others = {}, set()
    for node in walk(func):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            holder = parents.get(node)
            value = holder.value if isinstance(holder, ast.Assign) and holder.targets == [node] else None
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in blueprints_ \
                    and found.get(node.id, blueprints_[value.func.id]) is blueprints_[value.func.id]:
                found[node.id] = blueprints_[value.func.id]
            else:
                others.add(node.id)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            others.update(node.names)
    others |= {a.arg for a in walk(func.args) if isinstance(a, ast.arg)}
    return {name: bp for name, bp in found.items() if name not in others}


def _held_object(callee, objects):
    """``(obj, attr, method)`` where ``callee`` calls an object ``obj.attr`` that a followed object holds
    (``net.fc``, called, or ``net.fc.forward``), else None."""
    if isinstance(callee, ast.Attribute) and isinstance(callee.value, ast.Name) and callee.value.id in objects and \
            callee.attr in objects[callee.value.id].held:
        return callee.value.id, callee.attr, "__call__"
    if isinstance(callee, ast.Attribute) and isinstance(callee.value, ast.Attribute):
        found = _held_object(callee.value, objects)
        if found is not None and found[2] == "__call__":
            return found[0], found[1], callee.attr
    return None


def _kind_test(call, objects, blueprints_):
    """What ``isinstance(obj, C)`` (or a tuple of classes) is, for an object ``obj`` followed and classes
    of the module followed (``object`` too), else None."""
    if not (isinstance(call.func, ast.Name) and call.func.id == "isinstance" and len(call.args) == 2 and
            not call.keywords and isinstance(call.args[0], ast.Name) and call.args[0].id in objects):
        return None
    kinds = call.args[1].elts if isinstance(call.args[1], ast.Tuple) else [call.args[1]]
    if not all(isinstance(k, ast.Name) and (k.id in blueprints_ or k.id == "object") for k in kinds):
        return None
    blueprint = objects[call.args[0].id]
    return any(k.id in (blueprint.name, "object") + blueprint.bases for k in kinds)


def _attribute_read(obj, blueprint, attr, held, node, refuse):
    """The expression ``obj.attr`` reads: the name (or argument) holding the attribute, a class constant."""
    if attr in held:
        return ast.copy_location(tree_copy(held[attr]), node)
    if attr in blueprint.constants:
        return ast.copy_location(ast.Constant(blueprint.constants[attr]), node)
    if attr in blueprint.held_lists:
        raise refuse(f"{obj}.{attr} is a list of objects of your classes that {obj} holds, used here otherwise "
                     f"than in its methods, which backgen follows through them alone", node)
    if attr in blueprint.held:
        raise refuse(f"{obj}.{attr} is an object of your class {blueprint.held[attr].name} that {obj} holds, used "
                     f"here as a value: backgen follows it where it is called ({obj}.{attr}(...)), its methods called "
                     f"or its attributes read; pass what it holds instead", node)
    setter = blueprint.set_by_methods().get(attr)
    if setter is not None:
        raise refuse(f"{obj}.{attr} is set by the method {setter} of {blueprint.name}, which backgen reads as a "
                     f"function of the attributes it reads, not as a change of the object: have {setter} return "
                     f"the value, and read what the call returns", node)
    raise refuse(f"{obj}.{attr}: {obj} is an object of your class {blueprint.name}, whose constructor sets no "
                 f"attribute {attr} before this line", node)


def _constructed(obj, blueprint, call, held, fresh, rebound, refuse, fixed, shadowed):
    """The statements making ``obj = Class(...)``: the constructor's parameters bound to the call's
    arguments, then its statements with ``self``'s attributes as names; ``held`` gets, for each
    attribute, the name or expression holding it: an argument (a number, a name the function never
    rebinds) the constructor sets it to alone, where the attribute is none of ``fixed`` (None: all).
    A constructor reading a name of the module that the function binds too (``shadowed``) is refused:
    written out in the function, it would read the function's."""
    if blueprint.body is None:
        raise refuse(f"{obj} is an object of your class {blueprint.name}, whose constructor backgen does not "
                     f"follow: {blueprint.why}; set its attributes from the arguments alone, or pass the values "
                     f"to the function", call)
    params = [p for p, _ in blueprint.params]
    given, defaulted, problem = _given(blueprint, call)
    if problem:
        raise refuse(*problem)
    body = [tree_copy(s) for s in blueprint.body
            if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant) and isinstance(s.value.value, str))]
    free = set().union(set(), *map(names_of, body), *(names_of(given[p]) for p in defaulted)) - set(params) - \
        set().union(set(), *map(_stores, body)) - {"self"}  # (the module's names the constructor reads)
    clash = sorted(free & shadowed)
    if clash:
        raise refuse(f"{blueprint.name}'s constructor reads {clash[0]} of the module, a name this function binds "
                     f"too: written out here, it would read the function's {clash[0]}; give the value as an "
                     f"argument, or rename the function's {clash[0]}", call)
    plain = {p for p in params if isinstance(given[p], ast.Constant) or
             isinstance(given[p], ast.Name) and given[p].id not in rebound}
    body, tested = _defaults_decided(body, plain, given)
    changed = set().union(*(_stores(s) for s in body)) if body else set()
    statements, local, reserved = [], {}, {}
    for stmt in body:  # (the attributes' names first: a parameter merged into one takes its name)
        for node in walk(stmt):
            if _of_self(node) and isinstance(node.ctx, ast.Store) and node.attr not in reserved and \
                    not fresh.ours(held.get(node.attr)):
                said = f"{fresh.said.get(obj, obj)}.{node.attr}"
                reserved[node.attr] = ast.Name(fresh(f"{obj}_{node.attr}", said), ast.Load())
    for p in params:
        value = given[p]
        if p in tested:
            local[p] = ast.Name(fresh(f"{obj}_{p}"), ast.Load())
            continue
        if p not in changed and p in plain:
            local[p] = value
            continue
        name = fresh(f"{obj}_{p}")
        local[p] = ast.Name(name, ast.Load())
        statements.append(ast.copy_location(ast.Assign([ast.copy_location(ast.Name(name, ast.Store()), call)],
                                                       tree_copy(value)), call))
    for stmt in body:  # (the constructor's own locals: names of the function)
        for name in sorted(_stores(stmt) - set(local)):
            local[name] = ast.Name(fresh(f"{obj}_{name}"), ast.Load())
    attributes = {}

    class Put(ast.NodeTransformer):
        def visit_Attribute(self, node):
            if _of_self(node):
                if isinstance(node.ctx, ast.Store):
                    previous = attributes.get(node.attr, held.get(node.attr))
                    if not fresh.ours(previous):
                        previous = reserved[node.attr]
                    attributes[node.attr] = previous
                    return ast.copy_location(ast.Name(previous.id, ast.Store()), node)
                if node.attr in attributes:
                    return ast.copy_location(ast.Name(attributes[node.attr].id, ast.Load()), node)
                if node.attr in blueprint.constants:
                    return ast.copy_location(ast.Constant(blueprint.constants[node.attr]), node)
                raise refuse(f"self.{node.attr} is read in {blueprint.name}'s constructor before it is set", node)
            return self.generic_visit(node)

        def visit_Name(self, node):
            if node.id in local and not getattr(node, "given", False):
                value = local[node.id]
                if isinstance(node.ctx, ast.Load):
                    return ast.copy_location(tree_copy(value), node)
                return ast.copy_location(ast.Name(value.id, node.ctx), node)
            return node
    for stmt in body:
        statements.append(Put().visit(stmt))
    held.update(attributes)
    kept = []
    for stmt in statements:  # (self.W = W of an argument read as it is: the attribute is that argument)
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else None
        attr = next((a for a, name in attributes.items() if isinstance(target, ast.Name) and name.id == target.id),
                    None)
        value = getattr(stmt, "value", None)
        if fixed is not None and attr is not None and attr not in fixed and (
                isinstance(value, ast.Constant) or isinstance(value, ast.Name) and value.id not in rebound
                and not fresh.ours(value)) and \
                not any(target.id in names_of(other) for other in statements if other is not stmt):
            held[attr] = value
            continue
        kept.append(stmt)
    return _merged(kept, obj, fresh)


def _given(blueprint, call):
    """``(given, defaulted, problem)``: the argument (or default) of each of the constructor's parameters
    for ``call`` as Python binds them, those its defaults gave, and ``(message, node)`` where the call does
    not bind (else None)."""
    params = [p for p, _ in blueprint.params]
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return {}, set(), (f"{blueprint.name}(...) is called with *args or **kwargs, which backgen does not spread "
                           "into its constructor: pass the arguments one by one", call)
    if len(call.args) > len(params):
        return {}, set(), (f"{blueprint.name}() takes {len(params)} arguments, {len(call.args)} given", call)
    given = dict(zip(params, call.args))
    for keyword in call.keywords:
        if keyword.arg not in params or keyword.arg in given:
            return {}, set(), (f"{blueprint.name}() got an unexpected or repeated argument {keyword.arg!r}",
                               keyword.value)
        given[keyword.arg] = keyword.value
    defaulted = set()
    for p, default in blueprint.params:
        if p not in given:
            if default is None:
                return {}, set(), (f"{blueprint.name}() is missing the argument {p!r}", call)
            given[p] = default
            defaulted.add(p)
    return given, defaulted, None


def _merged(statements, obj, fresh):
    """``statements`` with each ``attribute = parameter`` (``layer_b = b``, both names made here, the
    parameter's read there alone) left out, the parameter's name being the attribute's throughout:
    ``layer_b`` set where ``b`` was (``if b is None: layer_b = ... else: layer_b = b``)."""
    raw = any(isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == obj
              for stmt in statements for n in walk(stmt))  # (the object's attributes read: names not yet known)
    for stmt in list(statements):
        if raw or not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and fresh.ours(stmt.targets[0])
                       and fresh.ours(stmt.value)):
            continue
        new, old = stmt.targets[0].id, stmt.value.id
        others = [other for other in statements if other is not stmt]
        if any(new in names_of(other) for other in others) or \
                sum(1 for other in others for n in walk(other) if isinstance(n, ast.Name) and n.id == old and
                    isinstance(n.ctx, ast.Load)):
            continue
        statements.remove(stmt)
        _renamed(statements, old, new)
    return statements


def _defaults_decided(body, plain, given):
    """``(body, tested)``: the constructor's statements with each ``if p is None: p = ...`` (of a parameter
    given ``plain``: a number, ``None``, a name the function never rebinds) decided where the argument
    is a constant, else testing that argument (``if b is None: b = ... else: b = <argument>``), and the
    parameters ``tested`` so, set by both branches.  Each such ``if`` stands at the top level, before any
    other statement reads or sets ``p``."""
    out, tested, seen = [], set(), set()
    for k, stmt in enumerate(body):
        p = _none_default(stmt)
        if p is None or p not in plain or p in seen or any(p in _stores(later) for later in body[k + 1:]):
            seen |= names_of(stmt)
            out.append(stmt)
            continue
        seen |= names_of(stmt)
        value = given[p]
        if isinstance(value, ast.Constant):
            out += stmt.body if value.value is None else []
            continue
        argument = ast.copy_location(ast.Name(value.id, ast.Load()), stmt.test)
        argument.given = True
        test = ast.copy_location(ast.Compare(argument, [ast.Is()], [ast.copy_location(ast.Constant(None), stmt.test)]),
                                 stmt.test)
        kept = ast.copy_location(ast.Name(value.id, ast.Load()), stmt)
        kept.given = True
        otherwise = ast.copy_location(ast.Assign([ast.copy_location(ast.Name(p, ast.Store()), stmt)], kept), stmt)
        out.append(ast.copy_location(ast.If(test, stmt.body, [otherwise]), stmt))
        tested.add(p)
    return out, tested


def _none_default(stmt):
    """``p`` of ``if p is None: p = ...`` (no else), or None."""
    if isinstance(stmt, ast.If) and not stmt.orelse and isinstance(stmt.test, ast.Compare) and \
            isinstance(stmt.test.left, ast.Name) and [type(o) for o in stmt.test.ops] == [ast.Is] and \
            isinstance(stmt.test.comparators[0], ast.Constant) and stmt.test.comparators[0].value is None and \
            len(stmt.body) == 1 and isinstance(stmt.body[0], ast.Assign) and \
            [ast.unparse(t) for t in stmt.body[0].targets] == [stmt.test.left.id]:
        return stmt.test.left.id
    return None


class _Helpers:
    """The helpers made of the methods of followed objects: ``make(blueprint, method, at)`` gives ``(name,
    attributes)``, the helper and the attributes of ``self`` it takes first."""

    def __init__(self, blueprints_, helper, refuse, fresh, made):
        self.blueprints, self.helper, self.refuse, self.fresh, self.made = blueprints_, helper, refuse, fresh, made

    def make(self, blueprint, method, at, stack=()):
        key = (blueprint.name, method)
        if key in self.made:
            return self.made[key]
        if key in stack:
            raise self.refuse(f"{blueprint.name}.{method} calls itself through the object's methods, which backgen "
                              "does not follow", at)
        node = tree_copy(blueprint.methods[method])
        node.decorator_list = []
        if method in blueprint.statics:
            name = self.fresh(f"{blueprint.name}_{method.strip('_')}")
            node.name = name
            self.made[key] = (self.helper(blueprint.name, method, node, {}), ())
            return self.made[key]
        if not node.args.args or node.args.args[0].arg != "self":
            raise self.refuse(f"{blueprint.name}.{method} takes no self: backgen follows an object's methods "
                              f"taking self first", at)
        called = {}
        if blueprint.held_lists:
            self._held_lists_unrolled(blueprint, node, at, method)
        if blueprint.held:
            self._through_held(blueprint, node, at, stack + (key,), called)
        parents = node_parents(node)
        for read in [n for n in walk(node) if _of_self(n) and isinstance(n.ctx, ast.Load) and (
                n.attr in blueprint.properties and not (isinstance(parents.get(n), ast.Call) and parents[n].func is n)
                or n.attr in blueprint.methods and isinstance(parents.get(n), ast.Call) and parents[n].func is n)]:
            name, attrs = self.make(blueprint, read.attr, at, stack + (key,))
            called[name] = (blueprint.name, read.attr)
            args = [ast.copy_location(ast.Attribute(ast.Name("self", ast.Load()), a, ast.Load()), read) for a in attrs]
            if read.attr in blueprint.properties:  # (self.sigma: the property's helper called)
                _replace(parents, read, ast.copy_location(ast.Call(ast.Name(name, ast.Load()), args, []), read))
            else:
                call = parents[read]
                call.args = args + call.args
                call.func = ast.copy_location(ast.Name(name, ast.Load()), read)

        class Constants(ast.NodeTransformer):
            def visit_Attribute(self, n):
                if _of_self(n) and isinstance(n.ctx, ast.Load) and n.attr in blueprint.constants and \
                        n.attr not in blueprint.attributes:
                    return ast.copy_location(ast.Constant(blueprint.constants[n.attr]), n)
                return self.generic_visit(n)
        node = Constants().visit(node)
        ast.fix_missing_locations(node)
        if not any(isinstance(n, ast.Name) and n.id == "self" for n in walk(node)):  # (self unread)
            node.args.args = node.args.args[1:]
            attrs = ()
        else:
            attrs = methods.attributes(node)
            if not attrs:
                raise self.refuse(f"{blueprint.name}.{method} uses self otherwise than reading its attributes (it "
                                  f"writes into self, passes it on, or calls an object an attribute holds), which "
                                  f"backgen does not follow for an object made in the function: have it return what "
                                  f"it computes, from values it is given", at)
            node = methods.function_of(node, attrs)
        name = self.fresh(f"{blueprint.name}_{method.strip('_')}")
        node.name = name
        self.made[key] = (self.helper(blueprint.name, method, node, called), attrs)
        return self.made[key]

    def _held_lists_unrolled(self, blueprint, node, at, method):
        """In the method's def ``node``, each list of objects an attribute holds (``self.layers``), read only
        as a loop's iterable, an item at a number or its length, read as its objects' attributes
        (``self.layers_0``): each loop written out per object (``_lists_unrolled``, in the method)."""
        for attr, names in blueprint.held_lists.items():
            parents = node_parents(node)
            found = _list_reads([n for n in walk(node) if _of_self(n) and n.attr == attr], parents, len(names))
            if found is None:
                raise self.refuse(f"{blueprint.name}.{method} uses self.{attr}, a list of objects of your "
                                  f"classes, otherwise than as a loop's iterable, an item at a number or its "
                                  f"length, which backgen does not follow", at)
            loops, items, lengths = found
            if not _variables_kept(node, [loop for loop, _ in loops]):
                raise self.refuse(f"{blueprint.name}.{method} reads the variable of a loop over self.{attr} (a list "
                                  f"of objects) after the loop, or sets it: backgen follows such a loop written out "
                                  f"per object, its variable read in the loop alone", at)
            for holder in items:
                _replace(parents, holder, ast.copy_location(ast.Attribute(
                    ast.Name("self", ast.Load()), names[_index(holder.slice, len(names))], ast.Load()), holder))
            for holder in lengths:
                _replace(parents, holder, ast.copy_location(ast.Constant(len(names)), holder))
            for loop, backwards in loops:
                block, place = _block_of(node, loop)
                block[place:place + 1] = [s for name in (names[::-1] if backwards else names)
                                          for s in _with_attribute(loop.body, loop.target.id, name)]
        ast.fix_missing_locations(node)

    def _through_held(self, blueprint, node, at, stack, called):
        """In the method's def ``node``, each use of an object an attribute holds (``blueprint.held``) as
        the object's attributes: ``self.fc1(x)``, ``self.fc1.forward(x)`` a call of the helper of its
        class's method given ``self.fc1_W, self.fc1_b`` first; ``self.fc1.W`` read as ``self.fc1_W``.
        Any other use of it is refused."""
        parents = node_parents(node)
        for read in [n for n in walk(node) if _of_self(n) and n.attr in blueprint.held]:
            inner, up = blueprint.held[read.attr], parents.get(read)
            prefix = f"{read.attr}{HELD}"
            if isinstance(up, ast.Call) and up.func is read and isinstance(read.ctx, ast.Load):
                method, call = "__call__", up
            elif isinstance(up, ast.Attribute) and up.value is read and isinstance(up.ctx, ast.Load) and \
                    isinstance(parents.get(up), ast.Call) and parents[up].func is up and up.attr in inner.methods:
                method, call = up.attr, parents[up]
            elif isinstance(up, ast.Attribute) and up.value is read and up.attr in inner.properties and \
                    isinstance(up.ctx, ast.Load):
                method, call = up.attr, None
            elif isinstance(up, ast.Attribute) and up.value is read and isinstance(up.ctx, ast.Load) and \
                    (up.attr in inner.attributes or up.attr in inner.constants):
                new = ast.Attribute(ast.Name("self", ast.Load()), prefix + up.attr, ast.Load()) \
                    if up.attr in inner.attributes else ast.Constant(inner.constants[up.attr])
                _replace(parents, up, ast.copy_location(new, up))
                continue
            else:
                raise self.refuse(f"{blueprint.name}.{stack[-1][1]} uses self.{read.attr}, an object of your class "
                                  f"{inner.name}, otherwise than calling it, calling its methods or reading its "
                                  f"attributes (it passes it on, or sets it), which backgen does not follow: call it "
                                  f"there (self.{read.attr}(x)), or pass what it holds", at)
            if method not in inner.methods:
                raise self.refuse(f"self.{read.attr} is an object of your class {inner.name}, which defines no "
                                  f"{method}", at)
            name, attrs = self.make(inner, method, at, stack)
            called[name] = (inner.name, method)
            given = [ast.copy_location(ast.Attribute(ast.Name("self", ast.Load()), prefix + a, ast.Load()), read)
                     for a in attrs]
            if call is None:  # (a property of the held object: its helper called)
                _replace(parents, up, ast.copy_location(ast.Call(ast.Name(name, ast.Load()), given, []), up))
            else:
                call.func = ast.copy_location(ast.Name(name, ast.Load()), read)
                call.args = given + call.args
        ast.fix_missing_locations(node)
