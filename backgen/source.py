"""Expressions as AST: parse templates, fill them in, simplify, print.

Contract:

* ``to_source(node)`` is the one place an AST becomes text.  Expressions are
  printed by ``_printed``, which parenthesizes by binding strength (as astor
  does: ``(a + b).T``, ``a - (b - c)``, ``(-x) ** 2``); what it does not print
  (strings, negative or infinite numbers, lambdas, comprehensions, statements)
  goes through astor, checked, falling back to ``ast.unparse`` where astor
  fails or prints something that does not parse back to the same tree.
  ``Part`` marks a subexpression a person groups in parentheses the printer
  would not write (the local gradient of ``(2 * xpy) * dxpysqr``).
* ``template(text)`` parses an expression once (cached); ``fill`` returns a
  copy with placeholder names replaced by expressions; ``filled_simply`` fills
  a template simplified once; ``product`` builds ``local * g`` as a tree.
* ``simplify`` removes what a person would not write: ``1 * g``, ``g / 1``,
  ``x ** 1``, ``--x``, constant arithmetic.  It never changes a value.
* ``walk``, ``name_ids`` (``names_of``, in ``walk``'s order), ``holds`` and ``clone`` are ``ast.walk``,
  a walk collecting names, ``any`` over a walk and ``copy.deepcopy`` for trees, faster (``walk_parts`` and
  ``push_parts`` leave out contexts and operators); ``tree_copy`` is ``copy.deepcopy``, the same
  copy (a rewrite's attributes on nodes, nodes met twice), faster; ``text_cache`` remembers a
  pure function of a line of text until ``forget_texts()`` (the end of each
  generation).
* A line of generated text is parsed at most once per generation
  (``expression``; ``line_names``, ``code_names`` and ``wrap`` read that tree), and
  not at all where it was printed from a tree by ``printed``, which remembers
  what the tree tells of its text: its names, its kind, the tree itself when
  it is the one parsing would give.
"""

import ast
import collections
import copy
import functools
import io
import itertools
import keyword
import math
import operator
import re
import tokenize

try:
    import astor
except ImportError:  # pragma: no cover - astor is a declared dependency
    astor = None


def to_source(node):
    """Source text of an expression or statement AST."""
    if isinstance(node, ast.expr):
        if node.__class__ is ast.Constant and isinstance(node.value, (str, bytes)):
            return repr(node.value)  # (astor prints a string alone as a docstring: """train""")
        try:
            return _printed(node, _TOP_TUPLE if node.__class__ is ast.Tuple else _TOP)
        except _Unprintable:
            pass
    return _astor_source(node)


def _astor_source(node):
    """``to_source`` through astor, checked (what ``_printed`` cannot print: strings, lambdas...).
    A ``Part``, which neither astor nor ``ast.unparse`` knows (``ast.unparse`` prints a tree holding one
    wrong, without a word), is printed as its value, in parentheses where they are needed."""
    if any(part.__class__ is Part for part in walk(node)):
        node = _Unwrapped().visit(clone(node))
    text = None
    if astor is not None:
        try:
            text = astor.to_source(clone(node), pretty_source=_one_line).strip()  # (astor marks the nodes)
        except Exception:  # astor 0.8.1 predates some AST nodes
            text = None
        if text is not None and not isinstance(node, ast.Tuple):
            text = _strip_outer_parens(text)
            if not _same_tree(text, node):
                text = None
    return text if text is not None else ast.unparse(node)


# --- the printer ----------------------------------------------------------------
#
# Binding strengths, weakest first.  A node is parenthesized where its parent asks for more than
# its operator gives; a parent asks its left operand for the operator's own strength and its
# right operand for one more (``a - (b - c)``).  A value read by ``.attr``, ``(...)`` or ``[...]``
# is asked for more than anything gives: only names, calls, attributes and subscripts go bare.

_TOP, _SLICE, _TUPLE, _COMMA, _ONE_ARG, _IFEXP, _OR, _AND, _NOT, _COMPARE = -2, 0, 2, 4, 6, 8, 10, 12, 14, 16
_BITOR, _BITXOR, _BITAND, _SHIFT, _ADD, _MUL, _POW_RIGHT, _UNARY, _POW, _NUMBER = 18, 20, 22, 24, 26, 28, 30, 32, 34, 36
_TOP_TUPLE = _TRAILER = 40

_BINARY = {
    ast.BitOr: (" | ", _BITOR), ast.BitXor: (" ^ ", _BITXOR), ast.BitAnd: (" & ", _BITAND),
    ast.LShift: (" << ", _SHIFT), ast.RShift: (" >> ", _SHIFT), ast.Add: (" + ", _ADD), ast.Sub: (" - ", _ADD),
    ast.Mult: (" * ", _MUL), ast.Div: (" / ", _MUL), ast.Mod: (" % ", _MUL), ast.FloorDiv: (" // ", _MUL),
    ast.MatMult: (" @ ", _MUL), ast.Pow: (" ** ", _POW),
}
_UNARY_OPS = {ast.USub: ("-", _UNARY), ast.UAdd: ("+", _UNARY), ast.Invert: ("~", _UNARY), ast.Not: ("not ", _NOT)}
_COMPARISONS = {
    ast.Eq: " == ", ast.NotEq: " != ", ast.Lt: " < ", ast.LtE: " <= ", ast.Gt: " > ", ast.GtE: " >= ",
    ast.Is: " is ", ast.IsNot: " is not ", ast.In: " in ", ast.NotIn: " not in ",
}


class _Unprintable(Exception):
    """A node ``_printed`` leaves to astor."""


def _printed(node, asked, names=None):
    """The source of the expression ``node`` where its context asks for the strength ``asked``;
    ``names`` (a list), where given, gathers the ids of the names printed."""
    kind = node.__class__
    if kind is ast.Name:
        if names is not None:
            names.append(node.id)
        return node.id
    if kind is ast.BinOp:
        symbol, own = _BINARY[node.op.__class__]
        if own == _POW:
            text = _printed(node.left, _POW + 1, names) + symbol + _printed(node.right, _POW_RIGHT, names)
        else:
            text = _printed(node.left, own, names) + symbol + _printed(node.right, own + 1, names)
        return text if own >= asked else f"({text})"
    if kind is ast.Constant:
        value = node.value
        if value is None or value is Ellipsis:
            return "None" if value is None else "..."
        if value.__class__ not in (int, float, bool) or value != value or value in (math.inf, -math.inf) \
                or math.copysign(1, value) < 0:
            raise _Unprintable  # strings, negative, infinite and complex numbers: astor's spelling
        return repr(value) if _NUMBER >= asked else f"({value!r})"
    if kind is ast.Call:
        args = [_printed(a, _COMMA if len(node.args) + len(node.keywords) > 1 else _ONE_ARG, names) for a in node.args]
        for keyword in node.keywords:
            if keyword.arg is None:
                raise _Unprintable
            args.append(f"{keyword.arg}={_printed(keyword.value, _COMMA, names)}")
        return f"{_printed(node.func, _TRAILER, names)}({', '.join(args)})"
    if kind is ast.Attribute:
        return f"{_printed(node.value, _TRAILER, names)}.{node.attr}"
    if kind is ast.Subscript:
        return f"{_printed(node.value, _TRAILER, names)}[{_printed(node.slice, _SLICE, names)}]"
    if kind is ast.UnaryOp:
        symbol, own = _UNARY_OPS[node.op.__class__]
        text = symbol + _printed(node.operand, own, names)
        return text if own >= asked else f"({text})"
    if kind is ast.Tuple:
        text = ", ".join(_printed(e, _COMMA, names) for e in node.elts) + ("," if len(node.elts) == 1 else "")
        return text if _TUPLE >= asked and node.elts else f"({text})"
    if kind is ast.Slice:
        text = ("" if node.lower is None else _printed(node.lower, _SLICE, names)) + ":" + \
            ("" if node.upper is None else _printed(node.upper, _SLICE, names))
        if node.step is not None:
            step = node.step
            text += ":" + ("" if step.__class__ is ast.Name and step.id == "None" else _printed(step, _SLICE, names))
        return text
    if kind is ast.Compare:
        text = _printed(node.left, _COMPARE + 1, names) + "".join(
            _COMPARISONS[op.__class__] + _printed(right, _COMPARE + 1, names)
            for op, right in zip(node.ops, node.comparators))
        return text if _COMPARE >= asked else f"({text})"
    if kind is ast.BoolOp:
        own = _AND if node.op.__class__ is ast.And else _OR
        text = (" and " if own == _AND else " or ").join(_printed(v, own + 1, names) for v in node.values)
        return text if own >= asked else f"({text})"
    if kind is ast.IfExp:
        text = f"{_printed(node.body, _IFEXP + 1, names)} if {_printed(node.test, _IFEXP + 1, names)} else " \
               f"{_printed(node.orelse, _IFEXP, names)}"
        return text if _IFEXP >= asked else f"({text})"
    if kind is ast.List:
        return "[" + ", ".join(_printed(e, _COMMA, names) for e in node.elts) + "]"
    if kind is Part:
        if names is None:
            text = to_source(node.value)
        else:  # (as to_source prints it, its names gathered)
            try:
                text = _printed(node.value, _TOP_TUPLE if node.value.__class__ is ast.Tuple else _TOP, names)
            except _Unprintable:
                text = _astor_source(node.value)
                names.extend(name_ids(node.value))
        return f"({text})" if node.parens else text
    raise _Unprintable


class _Unwrapped(ast.NodeTransformer):
    """A tree without its ``Part`` wrappers."""

    def visit_Part(self, node):
        return self.visit(node.value)


def _one_line(pieces):
    """astor's printer without its line wrapping: one expression, one line (layout is emit's)."""
    return "".join(pieces)


def _strip_outer_parens(text):
    if text.startswith("(") and text.endswith(")"):
        inner = text[1:-1]
        try:
            if ast.dump(ast.parse(inner, mode="eval")) == ast.dump(ast.parse(text, mode="eval")):
                return inner
        except SyntaxError:
            pass
    return text


def _same_tree(text, node):
    """Whether ``text`` parses to the tree ``node`` stands for (as ``ast.unparse`` prints it)."""
    mode = "eval" if isinstance(node, ast.expr) else "exec"
    try:
        parsed = ast.parse(text, mode=mode)
    except SyntaxError:
        return False
    if _equal(parsed.body, node):  # then printing node and parsing it back gives this tree too
        return True
    try:
        return ast.dump(parsed) == ast.dump(ast.parse(ast.unparse(node), mode=mode))
    except SyntaxError:
        return False


def _equal(a, b):
    """Whether two trees are equal as ``ast.dump`` shows them (False where in doubt)."""
    if a.__class__ is not b.__class__:
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    if not isinstance(a, ast.AST):
        return a == b and (a is None or a.__class__ in (int, float, str, bool, complex, bytes))
    return all(_equal(getattr(a, name, _ABSENT), getattr(b, name, _ABSENT)) for name in a._fields)


_TEXT_CACHES = []


def text_cache(function):
    """``function`` of a text (pure) remembered per text until ``forget_texts()``: within one
    generation each line is parsed once; between generations nothing is kept.  The function
    returned holds what it remembers in ``known`` (text -> value), which callers may read and
    fill, and forgets it with ``cache_clear()``."""
    known = {}

    def cached(text):
        try:
            return known[text]
        except KeyError:
            value = known[text] = function(text)
            return value
    functools.update_wrapper(cached, function)
    cached.known = known
    cached.cache_clear = known.clear
    _TEXT_CACHES.append(cached)
    return cached


def forget_texts():
    """Empty the caches of ``text_cache`` (what a generation parsed is not kept after it), and
    ``unbuilt``."""
    for cached in _TEXT_CACHES:
        cached.cache_clear()
    unbuilt.clear()


unbuilt = {}  # text -> (its tree's class, the function building the tree): built where ``expression`` is asked


@functools.lru_cache(maxsize=None)
def _parsed(text):
    return ast.parse(text, mode="eval").body


def template(text):
    """A fresh AST of the expression ``text``."""
    return clone(_parsed(text))


def clone(node):
    """A deep copy of a syntax tree (what ``copy.deepcopy`` gives, without its bookkeeping).  The
    contexts and operators (``Load``, ``Add``...), which have no fields, are shared, as ``ast.parse``
    shares them."""
    if node.__class__ is list:
        return [clone(item) if isinstance(item, ast.AST) else item for item in node]
    if not isinstance(node, ast.AST):
        return node  # a name, a number, None: immutable
    kind = node.__class__
    if kind is ast.Name and len(node.__dict__) == 2:  # (the most common: a name without a position)
        return ast.Name(node.id, node.ctx)
    if isinstance(node, SHARED):
        return node
    new = kind.__new__(kind)
    for name in kind._fields:
        value = getattr(node, name, _ABSENT)
        if value.__class__ is list:
            setattr(new, name, [clone(item) if isinstance(item, ast.AST) else item for item in value])
        elif isinstance(value, ast.AST):
            setattr(new, name, clone(value))
        elif value is not _ABSENT:
            setattr(new, name, value)
    for name in kind._attributes:
        value = getattr(node, name, _ABSENT)
        if value is not _ABSENT:
            setattr(new, name, value)
    return new


def tree_copy(value, memo=None):
    """``copy.deepcopy(value, memo)`` of a tree, a list or dict of trees or what holds them, the same
    copy (every attribute of each node copied, its contexts and operators too, a node met twice
    copied once), made without deepcopy's steps for each node; what is neither a node, a list nor a
    dict (a tuple, a set, a value a rewrite put on a node) goes through ``copy.deepcopy`` with the
    same memo."""
    return _copied(value, {} if memo is None else memo)


def _copied(value, memo):
    kind = value.__class__
    if kind in _ATOMS:
        return value
    new = memo.get(id(value))
    if new is not None:
        return new
    if kind is list:
        new = memo[id(value)] = []
        append = new.append
        for item in value:
            append(item if item.__class__ in _ATOMS else _copied(item, memo))
        return new  # (the tree given holds each node and list copied while it is copied: no other keeps it)
    if kind is dict:
        new = memo[id(value)] = {}
        for key, item in value.items():
            new[key if key.__class__ in _ATOMS else _copied(key, memo)] = \
                item if item.__class__ in _ATOMS else _copied(item, memo)
        return new
    if kind not in _PLAIN and not _plain(kind):
        return copy.deepcopy(value, memo)
    new = memo[id(value)] = kind.__new__(kind)
    state = new.__dict__
    for name, item in value.__dict__.items():
        state[name] = item if item.__class__ in _ATOMS else _copied(item, memo)
    return new


def _plain(kind):
    """Whether ``copy.deepcopy`` copies a node of class ``kind`` as ``_copied`` does: made without
    arguments, its attributes copied into it (remembered in ``_PLAIN``)."""
    if issubclass(kind, ast.AST) and kind.__init__ is ast.AST.__init__ and kind.__reduce__ is ast.AST.__reduce__ \
            and not hasattr(kind, "__deepcopy__") and not hasattr(kind, "__setstate__") \
            and kind.__reduce_ex__ is object.__reduce_ex__ and kind.__new__ is ast.AST.__new__:
        _PLAIN.add(kind)
        return True
    return False


_PLAIN = set()
_ATOMS = frozenset({str, int, float, bool, type(None), bytes, complex})  # (copy.deepcopy's own: shared)


class OwnTransformer(ast.NodeTransformer):
    """A transformer of one function's own code (``own``): its nested functions and lambdas, which read
    names of their own, are left as they are."""

    def __init__(self, own):
        self.own = own

    def visit_FunctionDef(self, node):
        return node if node is not self.own else self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node):
        return node


SHARED = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)  # nodes without fields
_ABSENT = object()


# the fields of a node that never hold a node (names, flags, a constant's value): not looked into by ``walk``
_LEAF_FIELDS = frozenset({"id", "arg", "attr", "name", "kind", "type_comment", "level", "module", "is_async",
                          "conversion", "simple", "tag", "kwd_attrs", "rest"})
_NODE_FIELDS = {}  # node class -> the fields that may hold nodes, in ``_fields``' order


def _node_fields(cls):
    fields = _NODE_FIELDS[cls] = tuple(
        name for name in cls._fields if name not in _LEAF_FIELDS and not (cls is ast.Constant and name == "value")
        and not (name == "names" and cls in (ast.Global, ast.Nonlocal)))
    return fields


def walk(node):
    """Every node of a tree, breadth first: ``ast.walk``, in its order, at half its cost."""
    todo = [node]  # (iterating a list as it grows: each node pushed is reached in its turn)
    push, tree, node_fields = todo.append, ast.AST, _NODE_FIELDS
    for node in todo:
        fields = node_fields.get(node.__class__)
        if fields is None:
            fields = _node_fields(node.__class__)
        for name in fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, tree):
                        push(item)
            elif isinstance(value, tree):
                push(value)
        yield node


def parents(tree):
    """``{node: its parent}`` for every node of ``tree`` below its root (filled in ``walk``'s order, each
    node's children in ``ast.iter_child_nodes``'s)."""
    found, tree_class = {}, ast.AST
    for node in walk(tree):
        for name in node._fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, tree_class):
                        found[item] = node
            elif isinstance(value, tree_class):
                found[value] = node
    return found


def put_in(holder, old, new):
    """Put the node ``new`` where the node ``old`` stands among ``holder``'s fields (a field's value, or an
    item of a list field); True where it stood there."""
    for name, value in ast.iter_fields(holder):
        if value is old:
            setattr(holder, name, new)
            return True
        if value.__class__ is list:
            for k, item in enumerate(value):
                if item is old:
                    value[k] = new
                    return True
    return False


def statements(node):
    """The statements of a function (or module, or statement) ``node``, at any depth, with the
    exception handlers and match cases holding some, ``node`` first: every ``Return`` of the tree
    is among them (no expression holds a statement).  A list, in no set order."""
    found = [node]
    for node in found:  # (the list is the queue, read as it grows)
        kind = node.__class__
        fields = _BODIES.get(kind)
        if fields is None:
            fields = _BODIES[kind] = tuple(name for name in ("body", "orelse", "finalbody", "handlers", "cases")
                                           if name in kind._fields and not issubclass(kind, ast.expr))
        for name in fields:
            found += getattr(node, name, None) or ()
    return found


_BODIES = {}  # class -> its fields holding statements (handlers, cases): none for an expression's


def census(node):
    """``(classes, names, nodes)``: the classes of a tree's nodes (contexts and operators left out),
    the ids of its names and the nodes (``parts_list``), in one walk."""
    nodes = parts_list(node)
    return set(map(type, nodes)), {node.id for node in of_kinds(nodes, _NAME)}, nodes


def names_of(node):
    """``{n.id for n in walk(node) if isinstance(n, ast.Name)}``: the same set, built in the same order,
    in a walk that leaves out contexts and operators (``parts_list``)."""
    return {name.id for name in of_kinds(parts_list(node), _NAME)}


def of_kinds(nodes, kinds):
    """The nodes among ``nodes`` whose class is one of ``kinds`` (a set), in their order: told
    without a Python step per node (most nodes are of other kinds)."""
    return itertools.compress(nodes, map(kinds.__contains__, map(type, nodes)))


def walk_parts(node):
    """``walk`` without the contexts and operators (leaves: the other nodes come in ``walk``'s
    order), for walks that look for other nodes."""
    return iter(parts_list(node))


def parts_list(node):
    """The nodes ``walk_parts`` gives, as a list (made without a generator or a queue: the list
    itself is the queue, read as it grows)."""
    found = [node]
    append, tree = found.append, ast.AST
    for node in found:  # (each node's parts appended after it: breadth first, as walk's order;
        kind = node.__class__  # push_parts inline, as this walk of every node calls it for each)
        fields = _PARTS.get(kind)
        if fields is None:
            fields = _parts_of(kind)
        for name in fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, tree):
                        append(item)
            elif isinstance(value, tree):
                append(value)
    return found


@functools.lru_cache(maxsize=64)
def module_tree(lines):
    """The tree of a module's source ``lines`` (a tuple), parsed once (shared: read it, never change
    it); None where the lines are not a module that parses."""
    try:
        return ast.parse("\n".join(lines))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


_NUMPY_IMPORT = re.compile(r"\s*(import\s+(numpy|autograd\.numpy|jax\.numpy)\b|from\s+(numpy|autograd|jax)\b)")


def imports_numpy(lines):
    """Whether a module's source lines import NumPy (or autograd's or JAX's)."""
    return any(_NUMPY_IMPORT.match(line) for line in lines)


def fresh_names(used, bare=False):
    """A function ``fresh(base)`` giving names none of ``used`` (a set, which it adds to) holds:
    ``base`` followed by a number (``seq``, ``seq1``, ``seq2``...); with ``bare``, ``base`` itself
    first where it is free."""
    counter = itertools.count()

    def fresh(base):
        while True:
            name = f"{base}{next(counter) or ''}" if base in used or not bare else base
            if name not in used:
                used.add(name)
                return name
    return fresh


def module_calls(env, module, names):
    """How a function's calls of ``module``'s functions ``names`` are spelled, ``env`` binding its names:
    ``(which, aliases)``, ``which(func)`` the one of ``names`` a call's ``func`` names (``np.trapz``,
    ``trapz`` imported by name) or None, ``aliases`` the names bound to ``module`` itself; None where
    nothing could spell one."""
    aliases = sorted(name for name, meaning in env.items() if meaning == module)
    direct = {name: meaning[len(module) + 1:] for name, meaning in env.items()
              if meaning in {f"{module}.{n}" for n in names}}
    if not aliases and not direct:
        return None

    def which(func):
        if func.__class__ is ast.Attribute and func.value.__class__ is ast.Name and func.value.id in aliases:
            return func.attr if func.attr in names else None
        return direct.get(func.id) if func.__class__ is ast.Name else None
    return which, aliases


def spelled(func):
    """The names, attributes and keywords the tree ``func`` spells (one walk): a rewriter of calls
    spelled otherwise has nothing to do in it."""
    found = set()
    for node in of_kinds(parts_list(func), _SPELLING):
        kind = node.__class__
        found.add(node.id if kind is ast.Name else node.attr if kind is ast.Attribute else node.arg)
    return found


_SPELLING = frozenset({ast.Name, ast.Attribute, ast.keyword})


def defaults_of(args):
    """``[(arg, default), ...]``: the positional parameters of ``args`` (an ``ast.arguments``) that have a
    default, each with its default's tree, in order (Python gives the defaults to the last ones)."""
    positional = args.posonlyargs + args.args
    return list(zip(positional[len(positional) - len(args.defaults):], args.defaults))


def bound_arguments(call, func, default_ok=lambda default: True):
    """``{parameter: argument}`` of ``call`` to the function defined by ``func``, in the parameters'
    order, its defaults (those ``default_ok`` accepts) filling the parameters the call leaves out;
    None where the call does not bind them plainly: a starred argument or ``**kwargs``, more
    arguments than parameters, a keyword no parameter has or one given twice, no value for one."""
    params = [a.arg for a in func.args.args]
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords) or \
            len(call.args) > len(params):
        return None
    bound = dict(zip(params, call.args))
    for given in call.keywords:
        if given.arg not in params or given.arg in bound:
            return None
        bound[given.arg] = given.value
    defaults = {arg.arg: default for arg, default in defaults_of(func.args)}
    for param in params:
        if param not in bound:
            if param not in defaults or not default_ok(defaults[param]):
                return None
            bound[param] = defaults[param]
    return {p: bound[p] for p in params}


def numpy_attribute(func, aliases):
    """``(alias, path)`` of a call's ``func`` spelled as attributes of one of the names ``aliases``
    (``np.linalg.eigvalsh``: ``("np", "linalg.eigvalsh")``), else None."""
    parts = []
    while func.__class__ is ast.Attribute:
        parts.append(func.attr)
        func = func.value
    if parts and func.__class__ is ast.Name and func.id in aliases:
        return func.id, ".".join(reversed(parts))
    return None


def rewrite_statements(stmts, each):
    """``stmts`` with every statement, in blocks too (an ``except`` clause's; not in functions defined
    inside), replaced by the list ``each(stmt)`` gives (its blocks rewritten first).  A block left
    empty holds ``pass``."""
    out = []
    for stmt in stmts:
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for field in ("body", "orelse", "finalbody"):
                block = getattr(stmt, field, None)
                if isinstance(block, list) and block:
                    setattr(stmt, field, rewrite_statements(block, each) or [ast.copy_location(ast.Pass(), block[0])])
            for handler in getattr(stmt, "handlers", ()):
                handler.body = rewrite_statements(handler.body, each) or [ast.copy_location(ast.Pass(), handler)]
        out.extend(each(stmt))
    return out


def own_jumps(body, kinds=(ast.Break, ast.Continue)):
    """Whether the statements ``body`` (a loop's) hold a jump of ``kinds`` of that loop: not one of a
    loop inside it (but in its ``else``, which jumps for the outer loop), nor of a function defined in it."""
    pending = list(body)
    while pending:
        node = pending.pop()
        if isinstance(node, kinds):
            return True
        if isinstance(node, (ast.For, ast.While, ast.AsyncFor)):
            pending += node.orelse
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            pending += ast.iter_child_nodes(node)
    return False


def ends_in(stmts, kinds=(ast.Return,)):
    """Whether every path through the block ``stmts`` ends, at its end, in a statement of ``kinds`` (a
    return; or a raise, a break, a continue): its last statement one, or an if each of whose branches so
    ends."""
    last = stmts[-1] if stmts else None
    if isinstance(last, ast.If):
        return ends_in(last.body, kinds) and ends_in(last.orelse, kinds)
    return isinstance(last, kinds)


def meaning_of(node, meaning):
    """The full name ``node`` spells: the meaning of its first name (``meaning``, a function of a name: an
    environment's ``get``) followed by its attributes (``numpy.linalg.LinAlgError`` of
    ``np.linalg.LinAlgError``); None for other expressions and names of no meaning."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.insert(0, node.attr)
        node = node.value
    head = meaning(node.id) if isinstance(node, ast.Name) else None
    return ".".join([head] + parts) if isinstance(head, str) and head else None


def name_ids(node):
    """The ids of the ``ast.Name`` nodes in a tree (what a walk with ``ast.walk`` finds, faster)."""
    found, todo = set(), [node]
    while todo:
        node = todo.pop()
        if node.__class__ is ast.Name:
            found.add(node.id)
            continue
        push_parts(todo, node)
    return found


def push_parts(todo, node):
    """``push_children`` without the contexts and operators (``Load``, ``Add``: no node of a
    walk that looks for others), nor the fields a class never holds a node in (``Name.id``)."""
    kind = node.__class__
    fields = _PARTS.get(kind)
    if fields is None:
        fields = _parts_of(kind)
    for name in fields:
        value = getattr(node, name, None)
        if value.__class__ is list:
            for item in value:
                if isinstance(item, ast.AST):
                    todo.append(item)
        elif isinstance(value, ast.AST):
            todo.append(value)


def _parts_of(kind):
    """The fields of the class ``kind`` that may hold nodes other than contexts and operators
    (remembered in ``_PARTS``)."""
    fields = _PARTS[kind] = tuple(name for name in kind._fields if name not in _NO_PARTS
                                  and (kind.__name__, name) not in _LEAVES)
    return fields


_PARTS = {}
_NAME = frozenset({ast.Name})
_NO_PARTS = frozenset({"ctx", "op", "ops", "type_comment"})  # (every class's: contexts, operators, comparisons;
# a comment's text)
_LEAVES = frozenset({("Name", "id"), ("Attribute", "attr"), ("Constant", "value"), ("Constant", "kind"),
                     ("keyword", "arg"), ("arg", "arg"), ("FunctionDef", "name"), ("alias", "name"),
                     ("alias", "asname")})


def push_children(todo, node):
    """Append ``node``'s child nodes to the list ``todo`` (``ast.iter_child_nodes``, faster)."""
    for name in node._fields:
        value = getattr(node, name, None)
        if value.__class__ is list:
            todo.extend(item for item in value if isinstance(item, ast.AST))
        elif isinstance(value, ast.AST):
            todo.append(value)


def holds(node, kinds):
    """Whether a tree has a node of one of the classes ``kinds`` (``any`` over a walk, faster; no
    context or operator is among ``kinds``)."""
    todo = [node]
    while todo:
        node = todo.pop()
        if isinstance(node, kinds):
            return True
        push_parts(todo, node)
    return False


@text_cache
def code_names(text):
    """The names a statement of code mentions (parsed once per distinct text; an expression shares
    the parse of ``expression``)."""
    node = expression(text)
    return frozenset(name_ids(node if node is not None else ast.parse(text)))


_HEADERS = (("", "", "eval"), ("", "", "exec"), ("", " pass", "exec"), ("if 0: pass\n", " pass", "exec"),
            ("try: pass\n", " pass", "exec"))  # (before, after, mode): an expression, statements, a block's
# header (``for t in range(T):``, ``elif c:``, ``except E:``)


@text_cache
def _positioned(text):
    """The tree of a line of code, with the places of its nodes, and how many lines stand before
    the line in the text parsed; None where the line parses in none of the ``_HEADERS`` ways."""
    for before, after, mode in _HEADERS:
        try:
            return ast.parse(before + text + after, mode=mode), before.count("\n")
        except SyntaxError:
            continue
    return None


def respelled(text, replace):
    """``text`` with the parts its tree shows replaced: ``replace(node)`` gives the new text of a
    node, or None to look inside it.  The parts are found by the tree, never by matching text, so a
    name inside a string, an attribute (``x.n``) or a keyword (``axis=``) is not taken for the name;
    the rest of the text stays as written.  A new text stands where an expression stood: it must be
    an atom (a name, a call, parentheses) where precedence matters.  ValueError where ``text`` does
    not parse."""
    parsed = _positioned(text)
    if parsed is None:
        raise ValueError(f"not a line of code: {text!r}")
    tree, shift = parsed
    edits, todo = [], [tree]
    while todo:
        node = todo.pop()
        new = replace(node) if hasattr(node, "end_col_offset") else None
        if new is None:
            todo.extend(ast.iter_child_nodes(node))
        else:
            edits.append((node.lineno - shift, node.col_offset, node.end_lineno - shift, node.end_col_offset, new,
                          node))
    if not edits:
        return text
    lines = text.encode().split(b"\n")  # (offsets count bytes of UTF-8, lines from 1)
    starts = list(itertools.accumulate((len(line) + 1 for line in lines), initial=0))
    raw = text.encode()
    for line, column, end_line, end_column, new, node in sorted(edits, reverse=True, key=lambda e: e[:4]):
        start, end = starts[line - 1] + column, starts[end_line - 1] + end_column
        if not _spells(raw[start:end].decode(), node):  # (places inside an f-string, before Python 3.12)
            raise ValueError(f"no place in {text!r} for {ast.dump(node)}")
        raw = raw[:start] + new.encode() + raw[end:]
    return raw.decode()


def _spells(text, node):
    """Whether ``text`` is the code of ``node``."""
    if node.__class__ is ast.Name:
        return text == node.id
    if node.__class__ is ast.arg:
        return text == node.arg
    try:
        return ast.dump(ast.parse(text, mode="eval").body) == ast.dump(node)
    except SyntaxError:
        return False


def renamed(text, renames):
    """``text`` with each name of ``renames`` (old -> new) spelt anew where the code reads or sets
    it (``respelled``): an attribute, a keyword or a string spelt alike stays."""
    if not any(name in text for name in renames):
        return text

    def replace(node):
        if node.__class__ is ast.Name:
            return renames.get(node.id)
        if node.__class__ is ast.arg and node.arg in renames:
            raise ValueError(f"a name bound in the line itself: {node.arg!r}")
        return None
    return respelled(text, replace)


def title_renamed(title, renames):
    """A group's title or the line it undoes (a comment: code, or words around code, as a fused gate's
    ``softmax of z along axis 1, lines (2)-(5)``) with the names renamed: by its tree where it is
    code (``renamed``), else word by word."""
    try:
        return renamed(title, renames)
    except ValueError:
        return re.sub(r"(?<![\w.'\"])[A-Za-z_]\w*", lambda word: renames.get(word.group(0), word.group(0)), title)


def bind_counts(tree):
    """``{name: how often tree binds it}``: once per assignment (a name stored or deleted), twice for a
    parameter or a ``global``/``nonlocal`` declaration (the name is bound elsewhere too)."""
    counts = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            counts[node.id] = counts.get(node.id, 0) + 1
        elif isinstance(node, ast.arg):
            counts[node.arg] = counts.get(node.arg, 0) + 2
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            counts.update((name, 2) for name in node.names)
    return counts


def replaced(text, old, new):
    """``text`` with each part of it that is the expression ``old`` (by its tree: ``np.zeros_like(h)``, not
    ``onp.zeros_like(h)`` nor ``np.zeros_like(h_1)``) written ``new``, an atom (``respelled``)."""
    if old not in text:
        return text
    wanted = ast.dump(ast.parse(old, mode="eval").body)
    return respelled(text, lambda node: new if isinstance(node, ast.expr) and ast.dump(node) == wanted else None)


@text_cache
def line_names(text):
    """The names a line of generated code mentions, a block header (``for t in range(T):``) too;
    none where it does not parse.  An expression (most lines' right-hand sides) shares the parse of
    ``expression``."""
    node = expression(text)
    if node is not None:
        return frozenset(name_ids(node))
    tree = _positioned(text)  # (a statement, or a block's header: ``for t in range(T):``, ``elif c:``)
    return frozenset(name_ids(tree[0])) if tree is not None else frozenset()


def for_header(header):
    """``(targets, iterable)`` of a block header ``for t in range(T):`` (``("t",)`` and the tree of
    ``range(T)``; ``for i, x in enumerate(xs):`` gives ``("i", "x")``), None for another header."""
    tree = _positioned(header)
    loop = tree[0].body[-1] if tree is not None and tree[0].__class__ is ast.Module and tree[0].body else None
    if loop.__class__ is not ast.For:
        return None
    return tuple(n.id for n in ast.walk(loop.target) if n.__class__ is ast.Name), loop.iter


def range_loop(header, backwards=True):
    """``(t, bound)`` of a header ``for t in range(bound):`` (or, with ``backwards``, ``for t in
    reversed(range(bound)):``), the bound as text (one argument of ``range``, no keyword); None for
    another header."""
    found = for_header(header)
    if found is None or len(found[0]) != 1 or found[1].__class__ is not ast.Call:
        return None
    call = found[1]
    if backwards and call.func.__class__ is ast.Name and call.func.id == "reversed" and len(call.args) == 1 and \
            not call.keywords:
        call = call.args[0]
    if not (call.__class__ is ast.Call and call.func.__class__ is ast.Name and call.func.id == "range" and
            len(call.args) == 1 and not call.keywords and call.args[0].__class__ is not ast.Starred):
        return None
    return found[0][0], ast.unparse(call.args[0])


def shape_read(text, np_name="np"):
    """``(x, axis)`` of an expression ``x.shape`` or ``np.shape(x)`` (``axis`` None), ``x.shape[k]`` or
    ``np.shape(x)[k]`` (``axis`` the integer ``k``), ``np_name`` NumPy's name; else None."""
    node, axis = expression(text), None
    if node.__class__ is ast.Subscript and node.slice.__class__ is ast.Constant and type(node.slice.value) is int:
        node, axis = node.value, node.slice.value
    if node.__class__ is ast.Attribute and node.attr == "shape" and node.value.__class__ is ast.Name:
        return node.value.id, axis
    call = numpy_call(node, np_name)
    if call is not None and call[0] == "shape" and len(call[1].args) == 1 and not call[1].keywords and \
            call[1].args[0].__class__ is ast.Name:
        return call[1].args[0].id, axis
    return None


def numpy_call(text_or_node, np_name="np"):
    """``(function, call)`` of an expression that is a call of NumPy's ``np_name.function(...)``
    (``linalg.norm`` of ``np.linalg.norm(x)``), else None."""
    node = expression(text_or_node) if isinstance(text_or_node, str) else text_or_node
    found = numpy_attribute(node.func, (np_name,)) if node.__class__ is ast.Call else None
    return (found[1], node) if found is not None else None


def copy_read(text, np_name="np", array=True):
    """``x`` of an expression ``x.copy()`` or ``np.copy(x)`` (with ``array``, ``np.array(x)`` too), without
    other arguments; else None."""
    node = expression(text)
    if node.__class__ is not ast.Call or node.keywords:
        return None
    if node.func.__class__ is ast.Attribute and node.func.attr == "copy" and not node.args and \
            node.func.value.__class__ is ast.Name:
        return node.func.value.id
    call = numpy_call(node, np_name)
    if call is not None and call[0] in (("copy", "array") if array else ("copy",)) and len(node.args) == 1 and \
            node.args[0].__class__ is ast.Name:
        return node.args[0].id
    return None


@text_cache
def assigned(text):
    """The names a statement ``text`` binds (``(W1, b1), (W2, b2) = params``: W1, b1, W2, b2)."""
    tree = _positioned(text)
    return frozenset(n.id for n in ast.walk(tree[0]) if n.__class__ is ast.Name and n.ctx.__class__ is ast.Store) \
        if tree is not None else frozenset()


_SIZE_ATTRIBUTES = frozenset({"shape", "ndim", "size"})


def _size_read(node):
    """The ``ast.Name`` of the value whose size ``node`` reads (``x.shape``, ``x.shape[0]``, ``x.ndim``,
    ``x.size``, ``len(x)``, ``np.shape(x)`` and its kin), else None."""
    if node.__class__ is ast.Subscript and node.value.__class__ is ast.Attribute and node.value.attr == "shape":
        node = node.value
    if node.__class__ is ast.Attribute and node.attr in _SIZE_ATTRIBUTES and node.value.__class__ is ast.Name:
        return node.value
    if node.__class__ is ast.Call and len(node.args) == 1 and not node.keywords and \
            node.args[0].__class__ is ast.Name and (
                node.func.__class__ is ast.Name and node.func.id == "len" or
                node.func.__class__ is ast.Attribute and node.func.attr in _SIZE_ATTRIBUTES):
        return node.args[0]
    return None


def is_size_read(text):
    """Whether the expression ``text`` is a size of a value (see ``_size_read``) and nothing more."""
    node = expression(text)
    return node is not None and _size_read(node) is not None


def names_past_sizes(text):
    """The names the expression ``text`` reads other than for their sizes (``range(len(W))``: range;
    ``W[0] * x.shape[i]``: W and i)."""
    node = expression(text)
    if node is None:
        return line_names(text)
    sized = set()
    for part in ast.walk(node):
        if _size_read(part) is not None:  # (x.shape[i]: x's size, at i, which is read)
            whole = part.value if part.__class__ is ast.Subscript else part
            sized.update(id(n) for n in ast.walk(whole) if n.__class__ is ast.Name)
    return frozenset(n.id for n in ast.walk(node) if n.__class__ is ast.Name and id(n) not in sized)


def calls_any(text, named):
    """Whether the expression ``text`` calls a function or method whose last name ``named(name)`` accepts
    (``np.unique(x)``, ``x.nonzero()``) or holds a conditional expression (``a if c else b``); True where
    it does not parse."""
    node = expression(text)
    if node is None:
        return True
    for part in ast.walk(node):
        if part.__class__ is ast.IfExp:
            return True
        if part.__class__ is ast.Call:
            func = part.func
            last = func.attr if func.__class__ is ast.Attribute else func.id if func.__class__ is ast.Name else None
            if last is not None and named(last):
                return True
    return False


def list_display(text):
    """Whether the expression ``text`` is a list written out (``[]``, ``[0.0]``, ``[1.0, 2.0]``), or one of
    constants repeated (``[None] * T``, ``3 * [0.0]``): a new list; or the empty dict ``{}``, which writes
    (``hs[t] = h``) fill as they fill a list of ``None``."""
    if text == "{}":
        return True
    node = expression(text) if "[" in text else None
    if node.__class__ is ast.BinOp and node.op.__class__ is ast.Mult:
        node = node.left if node.left.__class__ is ast.List else node.right
        return node.__class__ is ast.List and all(e.__class__ is ast.Constant for e in node.elts)
    return node.__class__ is ast.List


def signed_name(text):
    """The name the expression ``text`` is, negated or not (``dout``, ``-dout``, ``-(dout)``), else
    None."""
    node = expression(text)
    while node.__class__ is ast.UnaryOp and node.op.__class__ in (ast.USub, ast.UAdd):
        node = node.operand
    return node.id if node.__class__ is ast.Name else None


@text_cache
def read_as_arrays(text):
    """The names a line of code indexes or reads an attribute of (``dout[0]``, ``dout.reshape(...)``,
    ``dout.T``): read as arrays, not as numbers alone."""
    tree = _positioned(text)
    if tree is None:
        return frozenset()
    return frozenset(node.value.id for node in ast.walk(tree[0]) if node.__class__ in (ast.Subscript, ast.Attribute)
                     and node.value.__class__ is ast.Name)


def printed(node, plain=False, parsed=None):
    """``to_source(node)`` of an expression built as a tree, its names remembered for
    ``line_names`` and ``code_names`` (the text is not parsed again to find them).  Only plain
    names are remembered: a tree naming anything else (``Name("dout.T")``, ``None``) is left to the
    parse.  ``plain``: the caller hands the tree over, never to change it, and it is what parsing
    the text gives (no ``Part``, every context ``Load``, as a template filled with names and
    templates is): ``expression`` of the text is then this tree.  ``parsed``: that tree, where
    ``node`` is not it (``node`` without its ``Part`` wrappers), noted where the printer wrote
    the text itself."""
    names = []
    try:
        text = _printed(node, _TOP_TUPLE if node.__class__ is ast.Tuple else _TOP, names)
    except _Unprintable:  # (to_source's way: astor)
        text, names, parsed = to_source(node), name_ids(node), None
    if text not in line_names.known:
        names = frozenset(names)
        if all(map(str.isidentifier, names)) and names.isdisjoint(_KEYWORDS):
            line_names.known[text] = code_names.known[text] = names
            if plain or parsed is not None:
                expression.known.setdefault(text, node if plain else parsed)
            kind = node.__class__
            if kind in _PRINTED_AS:  # the text parses to a tree of the same kind: wrap needs no parse
                wrap.known.setdefault(text, text if kind in ATOMIC else f"({text})")
    return text


def grouped(text):
    """A fresh tree of the expression ``text`` (one line) in which each part the text puts in
    parentheses of its own (``(2 * xpy) * dxpysqr``; not a call's) is a ``Part`` in parentheses,
    so that ``to_source`` prints the text as it stands and a tree changed from it as a person
    would have written that; None where ``text`` is no expression of one line.  Where the printer
    leaves the tree to astor (a string in it), the tree has no ``Part``."""
    if "\n" in text or "\r" in text:
        return None
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return None
    if "(" not in text:
        return node
    spans = _grouping_spans(text)
    if not spans:
        return node
    wrapped = _wrapped_parts(node, spans)
    try:
        _printed(wrapped, _TOP_TUPLE if wrapped.__class__ is ast.Tuple else _TOP)
    except _Unprintable:
        return ast.parse(text, mode="eval").body
    return wrapped


def _grouping_spans(text):
    """``{(start, end): count}``: the UTF-8 offsets of what each pair of grouping parentheses of the
    one-line expression ``text`` holds (a pair after an operator, a comma, an opening bracket, a
    keyword or nothing: not a call's), how many pairs hold exactly that."""
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(text).readline)
                  if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.ENDMARKER,
                                    tokenize.INDENT, tokenize.DEDENT)]
    except (tokenize.TokenError, SyntaxError):
        return {}
    ascii_text = text.isascii()

    def offset(column):
        return column if ascii_text else len(text[:column].encode("utf-8"))
    spans, stack = collections.Counter(), []
    for k, token in enumerate(tokens):
        if token.type != tokenize.OP:
            continue
        if token.string in "([{":
            before = tokens[k - 1] if k else None
            grouping = token.string == "(" and (
                before is None or before.type == tokenize.OP and before.string not in ")]}"
                or before.type == tokenize.NAME and keyword.iskeyword(before.string))
            stack.append((k, grouping))
        elif token.string in ")]}" and stack:
            start, grouping = stack.pop()
            if grouping and k > start + 1:
                spans[offset(tokens[start + 1].start[1]), offset(tokens[k - 1].end[1])] += 1
    return spans


def _wrapped_parts(node, spans):
    """``node`` with each subexpression spanning one of ``spans`` (``_grouping_spans``) in as many
    ``Part``s in parentheses."""
    def wrapped(child):
        count = spans.get((getattr(child, "col_offset", None), getattr(child, "end_col_offset", None)), 0)
        for _ in range(count):
            child = Part(child, True)
        return child

    todo = [node]
    while todo:
        parent = todo.pop()
        for name, value in ast.iter_fields(parent):
            if isinstance(value, ast.expr):
                todo.append(value)
                setattr(parent, name, wrapped(value))
            elif value.__class__ is list:
                for k, item in enumerate(value):
                    if isinstance(item, ast.AST):
                        todo.append(item)
                        if isinstance(item, ast.expr):
                            value[k] = wrapped(item)
    return wrapped(node)


def parsed_as(text, node, like=None):
    """``text``, noted to parse to the tree ``node`` (built alongside it, handed over: read, never
    changed), so that ``expression`` and the names of a line holding it need no parse.  ``node``
    None: nothing is noted.  ``like``: a text naming the same names (``g`` for ``g.sum(axis=0)``),
    whose names are then its names, found without a walk of ``node``."""
    if node is not None:
        if text not in unbuilt:  # (the tree noted first stays: ``_note_form``'s, built later)
            expression.known.setdefault(text, node)
        if like is not None and text not in line_names.known:
            names = line_names.known.get(like)
            if names is not None:
                line_names.known[text] = code_names.known[text] = names
    return text


def parsed_later(text, kind, tree, like=None):
    """``parsed_as(text, tree(), like)``, the tree (of the class ``kind``) built where
    ``expression`` is asked for it (``unbuilt``)."""
    if text not in expression.known:
        unbuilt.setdefault(text, (kind, tree))
    if like is not None and text not in line_names.known:
        names = line_names.known.get(like)
        if names is not None:
            line_names.known[text] = code_names.known[text] = names
    return text


def names_in(text):
    return set(_template_names(text))


def mentions(text, name):
    """Whether the template ``text`` reads ``name`` (``name in names_in(text)``, without a copy)."""
    return name in _template_names(text)


@functools.lru_cache(maxsize=None)
def _template_names(text):
    return frozenset(name_ids(_parsed(text)))


def fill(text, bindings):
    """The expression ``text`` with each name in ``bindings`` replaced by its AST."""
    return _substituted(_parsed(text), bindings)


def fill_template(text, bindings):
    """``fill`` for a rule's template (one of few texts, each filled many times): built by a
    function made for the template once (``_builder``), without walking it."""
    return _builder(text, False)(bindings)


def printed_filled(text, bindings):
    """``printed(fill_template(text, bindings), plain=True)``.  Where every binding is a name, the
    text is the template's printed form (``_filled_form``) with the names put in, and the tree is
    noted only for a text not printed before (``printed`` notes nothing else), to be built where it
    is asked for (a staged line's: ``unbuilt``)."""
    form = _filled_form(text)
    if form is not None and _NAME.issuperset(map(type, bindings.values())):  # (names alone)
        layout, slots, kind = form
        ids = [bindings[slot].id if slot in bindings else slot for slot in slots]
        result = layout.format(*ids)
        _note_form(result, ids, kind, lambda: _builder(text, False)(bindings), later=True)
        return result
    return printed(fill_template(text, bindings), plain=True)


@functools.lru_cache(maxsize=None)
def _filled_form(text):
    """``(layout, slots, kind)``: the template ``text`` filled with names as printed, a format with
    a field for each name (names print as themselves wherever they stand), the template's name each
    field holds, and the class of the tree; None where the printer leaves the template to astor."""
    slots = sorted(name_ids(_parsed(text)))
    tree = _builder(text, False)({name: ast.Name(f"\0{k}\0", LOAD) for k, name in enumerate(slots)})
    try:
        printed_text = _printed(tree, _TOP_TUPLE if tree.__class__ is ast.Tuple else _TOP, [])
    except _Unprintable:
        return None
    return _layout(printed_text), tuple(slots), tree.__class__


def _layout(text):
    """A format of ``text`` printed with marks ``\\0k\\0`` for names: field ``k`` for each."""
    parts = text.replace("{", "{{").replace("}", "}}").split("\0")
    return "".join(part if k % 2 == 0 else f"{{{int(part)}}}" for k, part in enumerate(parts))


def filled_simply(text, bindings):
    """``simplify(fill(text, bindings))`` of a rule's template: the template simplified once (when
    every binding is a name, no simplification can depend on which), then filled."""
    for value in bindings.values():
        if value.__class__ is not ast.Name:
            return simplify(fill_template(text, bindings))
    return _builder(text, True)(bindings)


@functools.lru_cache(maxsize=None)
def _builder(text, simplified):
    """A function of the bindings building ``fill(text, bindings)`` (of the template simplified
    first, with ``simplified``): the template's tree written out as calls of the node classes,
    each name a binding may replace looked up (``_named``)."""
    tree = _simplified(text) if simplified else _parsed(text)
    values = []  # the template's leaves (operators, contexts, strings, numbers): shared, never changed

    def held(value):
        values.append(value)
        return f"_v[{len(values) - 1}]"

    def built(node):
        kind = node.__class__
        if kind is ast.Name:
            return f"_named(b, {held(node.id)}, {held(node.ctx)})"
        if isinstance(node, SHARED):
            return held(node)
        parts, whole = [], True
        for name in kind._fields:
            value = getattr(node, name, _ABSENT)
            if value is _ABSENT:
                whole = False  # (the fields given are then named)
                continue
            if value.__class__ is list:
                value = "[" + ", ".join(built(item) if isinstance(item, ast.AST) else held(item) for item in value) + "]"
            elif isinstance(value, ast.AST):
                value = built(value)
            else:
                value = held(value)
            parts.append((name, value))
        return f"{held(kind)}({', '.join(value if whole else f'{name}={value}' for name, value in parts)})"

    body = built(tree)
    namespace = {"_v": values, "_named": _named}
    exec(compile(f"def build(b):\n    return {body}\n", f"<backgen template {text!r}>", "exec"), namespace)
    return namespace["build"]


def _named(bindings, name, ctx):
    """A copy of the binding of ``name``, else the name itself."""
    value = bindings.get(name)
    if value is None:
        return ast.Name(name, ctx)
    if value.__class__ is ast.Name and len(value.__dict__) == 2:  # (most bindings: ``clone``'s first case)
        return ast.Name(value.id, value.ctx)
    return clone(value)


@functools.lru_cache(maxsize=None)
def _simplified(text):
    return simplify(template(text))  # never handed out: filled, which copies it


def _substituted(node, bindings):
    """A copy of the tree ``node`` with each name in ``bindings`` replaced by a copy of its tree."""
    if node.__class__ is ast.Name and node.id in bindings:
        return clone(bindings[node.id])
    new = node.__class__.__new__(node.__class__)
    for name in node._fields + node._attributes:
        value = getattr(node, name, _ABSENT)
        if value is _ABSENT:
            continue
        if isinstance(value, ast.AST):
            value = _substituted(value, bindings)
        elif value.__class__ is list:
            value = [_substituted(item, bindings) if isinstance(item, ast.AST) else item for item in value]
        setattr(new, name, value)
    return new


# --- simplification ------------------------------------------------------

_FOLD = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.Pow: operator.pow,
}


def number(node, arithmetic=False):
    """The value of the number ``node`` writes out, else None: a literal int or float (``2``,
    ``1e-8``; not ``True``), signed (``-1.0``, ``+2``); with ``arithmetic``, also ``+ - * / **``
    on such numbers (``1.0 / 3``; None where Python raises computing it).  The one reader of a
    number from a tree (``number_text`` reads one from text)."""
    kind = node.__class__
    if kind is ast.Constant:
        value = node.value
        return value if value.__class__ is int or value.__class__ is float else None
    if kind is ast.UnaryOp:
        op = node.op.__class__
        if op is not ast.USub and op is not ast.UAdd:
            return None
        inner = number(node.operand, arithmetic)
        return None if inner is None else -inner if op is ast.USub else inner
    if arithmetic and kind is ast.BinOp and node.op.__class__ in _FOLD:
        left, right = number(node.left, True), number(node.right, True)
        if left is None or right is None:
            return None
        if node.op.__class__ is ast.Pow and abs(right) > 64:
            left = float(left)  # (2 ** 10 ** 9 in floats: an OverflowError, not a long wait)
        try:
            value = _FOLD[node.op.__class__](left, right)
        except (ArithmeticError, ValueError):
            return None
        return value if value.__class__ is int or value.__class__ is float else None
    return None


_DECIDED_OPS = {ast.Is: operator.is_, ast.IsNot: operator.is_not, ast.Eq: operator.eq, ast.NotEq: operator.ne,
                ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
                ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b}


def decided(test):
    """The truth of a test made of constants only (``True``, ``1 is not None``, ``not False and
    mode == "train"``, ``0 < min(len((1, 4, 1)[:-1]), len((1, 4, 1)[1:]))``: tuples written out, their
    items and slices, ``len``, ``min`` and ``max`` of them, ``in``, a string's ``startswith`` and
    ``endswith``: ``"W1".startswith("W")``), or None where it reads anything else."""
    try:
        value = _truth(test)
    except (ValueError, TypeError, ArithmeticError, IndexError):
        return None
    return None if value is _UNKNOWN else bool(value)


def _truth(node):
    """The truth of ``node`` where ``_constant`` knows it, or where an ``and`` holds a part known false
    (``flag and b is not None``, b None: false whatever flag is), an ``or`` one known true."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        value = _truth(node.operand)
        return value if value is _UNKNOWN else not value
    if isinstance(node, ast.BoolOp):
        values = [_truth(v) for v in node.values]
        settles = isinstance(node.op, ast.Or)  # (the truth that decides an or; false decides an and)
        if any(v is not _UNKNOWN and bool(v) is settles for v in values):
            return settles
        return _UNKNOWN if _UNKNOWN in values else not settles
    return _constant(node)


_UNKNOWN = object()


def _constant(node):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
        value = _constant(node.operand)
        return value if value is _UNKNOWN else (not value) if isinstance(node.op, ast.Not) else -value
    if isinstance(node, ast.BoolOp):
        values = [_constant(v) for v in node.values]
        if _UNKNOWN in values:
            return _UNKNOWN
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.Compare) and all(type(op) in _DECIDED_OPS for op in node.ops):
        values = [_constant(node.left)] + [_constant(c) for c in node.comparators]
        if _UNKNOWN in values:
            return _UNKNOWN
        return all(_DECIDED_OPS[type(op)](a, b) for op, a, b in zip(node.ops, values, values[1:]))
    if isinstance(node, ast.Tuple) and not any(isinstance(e, ast.Starred) for e in node.elts):
        values = tuple(_constant(e) for e in node.elts)  # (layer_sizes=(1, 4, 1), a setting written out)
        return _UNKNOWN if _UNKNOWN in values else values
    if isinstance(node, ast.Subscript):  # sizes[:-1], sizes[0]
        value = _constant(node.value)
        index = node.slice
        if isinstance(index, ast.Slice):
            bounds = [None if b is None else _constant(b) for b in (index.lower, index.upper, index.step)]
            index = _UNKNOWN if _UNKNOWN in bounds else slice(*bounds)
        else:
            index = _constant(index)
        return _UNKNOWN if _UNKNOWN in (value, index) or not isinstance(value, tuple) else value[index]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _COUNTS and \
            not node.keywords and node.args:  # 0 < min(len(sizes[:-1]), len(sizes[1:])): a loop over a zip runs
        values = [_constant(a) for a in node.args]
        return _UNKNOWN if _UNKNOWN in values else _COUNTS[node.func.id](*values)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            node.func.attr in ("startswith", "endswith") and len(node.args) == 1 and not node.keywords:
        text, part = _constant(node.func.value), _constant(node.args[0])  # ("W1".startswith("W"), of a key)
        if isinstance(text, str) and (isinstance(part, str) or isinstance(part, tuple) and
                                      all(isinstance(p, str) for p in part)):
            return getattr(text, node.func.attr)(part)
    return _UNKNOWN


_COUNTS = {"len": len, "min": min, "max": max}


def spelling(node, lines):
    """The number literal ``node`` (``source.number``'s) as the user wrote it in ``lines``, the
    source lines its position is in (``1e-8``, ``-0.5``, where Python prints ``1e-08``), else None:
    where ``node`` is no number, spans lines, or the text there is not that number."""
    value = number(node)
    lineno = getattr(node, "lineno", None)
    if value is None or lineno is None or not 0 < lineno == node.end_lineno <= len(lines):
        return None
    try:
        text = lines[lineno - 1].encode("utf-8")[node.col_offset:node.end_col_offset].decode("utf-8")
        written = number(ast.parse(text.strip(), mode="eval").body)
    except (UnicodeDecodeError, SyntaxError, ValueError):
        return None
    return text if written.__class__ is value.__class__ and written == value else None


def numerals(node, lines):
    """``{Python's text: the user's}`` of the numbers written in ``node`` (a function as read) that
    Python prints otherwise (``1e-08``: ``1e-8``; ``1.99e-06``: ``.00000199``), each written one way
    only there: the generated code prints them as the user did."""
    found = {}
    for sub in walk(node):
        if sub.__class__ is ast.Constant and sub.value.__class__ in (int, float):
            text = spelling(sub, lines)
            printed = repr(sub.value)
            if found.setdefault(printed, text) != text:
                found[printed] = None  # (1e-6 here, 0.000001 there: as Python prints it)
    return {printed: text for printed, text in found.items() if text and text != printed}


def number_text(text):
    """The number ``text`` spells (``0.5``, ``-2``), else None."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, (int, float)) else None


def is_number(node, value):
    got = number(node)
    return got is not None and got == value


def written_out(node):
    """Whether ``node`` is a value written out, numbers, strings and displays of them (``[(2, 4), (4,)]``):
    what ``ast.literal_eval`` reads."""
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def literal(value):
    """The AST a person would write for ``value``: ``-2.0`` as a negation."""
    if value < 0:
        return ast.UnaryOp(ast.USub(), ast.Constant(-value))
    return ast.Constant(value)


def negate(node):
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return node.operand
    value = number(node)
    if value is not None:
        return literal(-value)
    return ast.UnaryOp(ast.USub(), node)


def _simplified_tree(node):
    """``node`` simplified bottom up: its children first (in place), then itself."""
    for name in node._fields:
        value = getattr(node, name, None)
        if isinstance(value, ast.AST):
            setattr(node, name, _simplified_tree(value))
        elif value.__class__ is list:
            value[:] = [_simplified_tree(item) if isinstance(item, ast.AST) else item for item in value]
    kind = node.__class__
    if kind is ast.BinOp:
        return _simpler_binary(node)
    if kind is ast.UnaryOp:
        return _simpler_unary(node)
    return node


def _simpler_unary(node):
    if isinstance(node.op, ast.UAdd):
        return node.operand
    if isinstance(node.op, ast.USub):
        return negate(node.operand)
    return node


def _simpler_binary(node):
    left, right, op = node.left, node.right, type(node.op)
    a, b = number(left), number(right)
    if a is not None and b is not None and op in _FOLD:
        try:
            value = _FOLD[op](a, b)
        except (ArithmeticError, ValueError):
            return node
        if type(value) in (int, float) and abs(value) < 1e15 and (type(value) is int or value == value):
            if type(value) is float and value.is_integer() and op is ast.Pow:
                value = float(value)
            if len(repr(value)) > len(repr(a)) + len(repr(b)) + 1:  # (0.3 - 0.7 is clearer than
                return node                                        # -0.39999999999999997, 1 / 3 than 0.333...)
            return literal(value)
        return node
    if op is ast.Mult:
        if a == 0 or b == 0:  # a zero factor: b * a ** (b - 1) at b = 0 is 0, even at a = 0
            return literal(0)
        if a == 1:
            return right
        if b == 1:
            return left
        if a == -1:
            return negate(right)
        if b == -1:
            return negate(left)
        if isinstance(left, ast.BinOp) and isinstance(left.op, ast.Div) and is_number(left.left, 1):
            return ast.BinOp(right, ast.Div(), left.right)  # (1 / b) * g  ->  g / b
    elif op is ast.Div:
        if b == 1:
            return left
    elif op is ast.Add:
        if a == 0:
            return right
        if b == 0:
            return left
    elif op is ast.Sub:
        if b == 0:
            return left
        if a == 0:
            return negate(right)
    elif op is ast.Pow:
        if b == 1:
            return left
    return node


def simplify(node):
    return _simplified_tree(node)


_TURNED = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn,
           ast.NotIn: ast.In}  # (< and >= are not: a NaN is neither)


def negated(node):
    """A tree of ``not node`` as a person writes it, sharing ``node``'s parts: a comparison by ``==``,
    ``is`` or ``in`` turned around (``j != y[i]``), a ``not`` undone, else ``not (...)`` (``not``
    before a name, a call, an attribute or an index without parentheses)."""
    kind = node.__class__
    if kind is ast.Compare and len(node.ops) == 1 and node.ops[0].__class__ in _TURNED:
        return ast.Compare(node.left, [_TURNED[node.ops[0].__class__]()], node.comparators)
    if kind is ast.UnaryOp and node.op.__class__ is ast.Not:
        return node.operand
    return ast.UnaryOp(ast.Not(), node if isinstance(node, ATOMIC) else Part(node, True))


def is_zero(node):
    return is_number(node, 0)


ATOMIC = (ast.Name, ast.Constant, ast.Call, ast.Attribute, ast.Subscript)
_KEYWORDS = frozenset(keyword.kwlist)
_PRINTED_AS = (ast.Name, ast.Call, ast.Attribute, ast.Subscript, ast.BinOp, ast.UnaryOp)  # (printed without
# outer parentheses, and parsed back as the same kind of node)


@text_cache
def wrap(text):
    """``text`` in parentheses unless it is atomic (a name, a call, an index...)."""
    node = expression(text)
    return text if isinstance(node, ATOMIC) else f"({text})"


@text_cache
def expression(text):
    """The tree of the expression ``text``, parsed once per text (shared: read it, never change
    it), or None where it is not an expression.  The one parse of generated text: ``line_names``,
    ``code_names`` and the passes reading lines' right-hand sides all read this tree.  A plain name
    (``dout``) is the tree parsing gives without the parse; a tree noted to be built later
    (``unbuilt``) is built, not parsed."""
    later = unbuilt.pop(text, None)
    if later is not None:
        return later[1]()
    if text.isidentifier() and text not in _KEYWORDS:
        return ast.Name(text, LOAD)
    try:
        return ast.parse(text, mode="eval").body
    except SyntaxError:
        return None


def tree_kind(text):
    """``expression(text).__class__``, told without building a tree noted to be built later."""
    later = unbuilt.get(text)
    return later[0] if later is not None else expression(text).__class__


def times(local, upstream):
    """Source of ``local * upstream`` as a person writes it (``product``, printed)."""
    return to_source(product(local, upstream))


def printed_product(local, upstream):
    """``printed(product(local, upstream))`` of a simplified ``local`` (a filled template:
    ``filled_simply``), with the tree its text parses to noted."""
    node = product(local, upstream, simplified=True)
    plain = node
    if node.__class__ is ast.BinOp and (node.left.__class__ is Part or node.right.__class__ is Part):
        plain = ast.BinOp(_unwrapped(node.left), node.op, _unwrapped(node.right))
    return printed(node, parsed=plain)


def contribution(grad, bindings, upstream):
    """The text of a rule's template ``grad`` filled with ``bindings`` (``filled_simply``), printed
    as is where it mentions ``g``, else times ``upstream`` (``printed_product``); None where it
    is zero.  Where every binding is a name, the text is the template's printed form (``_form``)
    with the names put in, and the tree its text parses to is noted, to be built (without printing
    it) where a pass asks for it."""
    form = _form(grad)
    names = _NAME.issuperset(map(type, bindings.values()))  # (every binding a name)
    if form is not None and upstream.isidentifier() and names:
        zero, layout, slots, times, kind = form
        if zero:
            return None
        ids = [upstream if slot is None else bindings[slot].id if slot in bindings else slot for slot in slots]
        text = layout.format(*ids)
        _note_form(text, ids, kind, lambda: _times_tree(_builder(grad, True)(bindings), times, upstream),
                   later=True)
        return text
    expr = filled_simply(grad, bindings)
    if is_zero(expr):
        return None
    return printed(expr, parsed=expr) if mentions(grad, "g") else printed_product(expr, upstream)


def _times_tree(local, times, upstream):
    """The tree of a filled template ``local`` times ``upstream`` as ``_form``'s ``times`` says."""
    if times is None:
        return local
    if times == "g":
        return ast.Name(upstream, LOAD)
    if times == "-g":
        return ast.UnaryOp(ast.USub(), ast.Name(upstream, LOAD))
    if times == "g /":
        return ast.BinOp(ast.Name(upstream, LOAD), ast.Div(), local.right)
    return ast.BinOp(local, ast.Mult(), ast.Name(upstream, LOAD))


def noted(text, names, node):
    """``text``, written without printing the tree ``node`` that parsing it gives, noted as
    ``printed(node, parsed=node)`` notes what it prints: its names ``names``, its tree and how it
    wraps."""
    _note_form(text, names, node.__class__, lambda: node)
    return text


def noted_later(text, names, kind, tree):
    """``noted`` of a tree of the class ``kind`` that ``tree()`` builds where it is asked for (the
    tree of a staged line, which most passes never read: ``unbuilt``)."""
    _note_form(text, names, kind, tree, later=True)
    return text


def _note_form(text, ids, kind, tree, later=False):
    """Note, for ``text`` printed from a template's form with the names ``ids`` put in, what
    ``printed`` notes: its names, the tree it parses to (``tree()``, built here only; with
    ``later``, where ``expression`` is asked for it) and how it wraps.  Nothing where a name is
    not an identifier: the names are then parsed where asked."""
    if text in line_names.known:
        return
    names = frozenset(ids)
    if not (all(map(str.isidentifier, names)) and names.isdisjoint(_KEYWORDS)):
        return
    line_names.known[text] = code_names.known[text] = names
    if not later:
        expression.known.setdefault(text, tree())
    elif text not in expression.known:
        unbuilt[text] = (kind, tree)
    if kind in _PRINTED_AS:
        wrap.known.setdefault(text, text if kind in ATOMIC else f"({text})")


@functools.lru_cache(maxsize=None)
def _form(grad):
    """``(zero, layout, slots, times, kind)``: how ``contribution`` prints the template ``grad``
    filled with names: whether it is zero; the text, a format with a field for each name (names
    print as themselves wherever they stand); the template's name each field holds (None:
    the upstream gradient); how the text multiplies by ``g`` (None: it is the filled template,
    which mentions ``g``; ``"g"``, ``"-g"``, ``"g /"``, ``"* g"``: as ``product`` writes it) and
    the class of the tree printed.  None where the printer leaves the template to astor."""
    slots = sorted(name_ids(_simplified(grad)))
    marks = {name: ast.Name(f"\0{k}\0", LOAD) for k, name in enumerate(slots)}
    local = _builder(grad, True)(marks)
    zero = is_zero(local)
    try:
        _printed(local, _TOP_TUPLE if local.__class__ is ast.Tuple else _TOP, [])
    except _Unprintable:
        return None
    if mentions(grad, "g"):
        node, times = local, None
    else:
        node = product(local, f"\0{len(slots)}\0", simplified=True)
        slots.append(None)
        kind = node.__class__
        times = "g" if kind is ast.Name else "-g" if kind is ast.UnaryOp else \
            "g /" if node.op.__class__ is ast.Div else "* g"
    text = _printed(node, _TOP_TUPLE if node.__class__ is ast.Tuple else _TOP, [])
    return zero, _layout(text), tuple(slots), times, node.__class__


def _unwrapped(node):
    """A ``Part``'s value (``product`` wraps its operands in one, at the top)."""
    return node.value if node.__class__ is Part else node


def product(local, upstream, simplified=False):
    """The tree of ``local * upstream`` as a person writes it (``simplified``: ``local`` is
    already, and simplifying it again changes nothing).

    The local gradient is parenthesized when it is compound, as in
    ``(2 * xpy) * dxpysqr``, so the chain rule stays visible; a negated name or number is not
    (``-G * dprod``, ``-2.0 * dprod``).
    """
    if not simplified:
        local = simplify(local)
    g = ast.Name(upstream, LOAD)
    value = number(local)
    if value is not None and value == 1:
        return g
    if value is not None and value == -1:
        return ast.UnaryOp(ast.USub(), g)
    if local.__class__ is ast.BinOp and local.op.__class__ is ast.Div and is_number(local.left, 1):
        return ast.BinOp(g, ast.Div(), local.right)  # (parentheses where / needs them: g / (r * r), g / r ** 2)
    return ast.BinOp(Part(local, not isinstance(local, ATOMIC) and not _signed_atom(local)), ast.Mult(), g)


def _signed_atom(node):
    """Whether ``node`` is a name or a number under a unary minus (``-G``, ``-2.0``), which a person
    writes bare before ``* g``: ``-G * dprod`` (``-x ** 2`` is no such thing)."""
    if node.__class__ is not ast.UnaryOp or node.op.__class__ is not ast.USub:
        return False
    operand = node.operand
    return operand.__class__ is ast.Name or number(operand) is not None and operand.__class__ is ast.Constant


LOAD = ast.Load()  # the one context of names read in the trees backgen builds (ast.parse shares one too)


class Part(ast.expr):
    """A subexpression printed on its own, in parentheses where ``parens`` says (where a person
    groups what the printer would not: the local gradient of ``(2 * xpy) * dxpysqr``); without
    them it must bind as tightly as a name."""

    _fields = ("value",)

    def __init__(self, value, parens):
        super().__init__(value)
        self.parens = parens
