"""Parameters that are lists of tuples of arrays (``params = [(W1, b1), (W2, b2)]``).

Contract: ``flatten(forward, wrt, shapes, args) -> (forward, wrt, shapes, args, packing)``
and ``pack(backward, packing) -> backward``.

A parameter is *structured* when its example value (or its entry in
``shapes=``) is a list or tuple holding lists or tuples (but rows of integers
of one length, a mesh's faces ``[[0, 1, 2], [0, 2, 3]]``, which are integers
as an array holds them), or arrays of different shapes; or a dict of arrays; or, given as an example
value, a dict of floats alone that the function reads at its keys alone (``params = {"k": 2.0, "c":
0.3}``, then ``params["k"] * y``: ``arrays_read_by_key``, no name nor key of settings; ``number_dict``).
Its structure is then part of the code, as a shape is:
``flatten`` gives each leaf a parameter of its own and rewrites the function
on the AST, before staging:

* ``for W, b in params`` (also over ``enumerate(params)``, ``zip(params, ...)``
  and ``range(len(params))``) is unrolled, one copy of the body per element,
  its names bound to the leaves: the first layer's ``W`` reads the leaf ``W1``,
  the second's ``W2``;
* ``params[0]``, ``params[-1][1]``, ``W, b = params[0]`` and ``len(params)``
  are resolved to leaves and numbers; a dict of arrays is read at string or
  integer keys (``params['W']``, ``params[0]``), a dict of arrays with other
  keys (tuples, floats) is refused;
* a name given an array of it (``W = params['W']``) stands for that array until the code binds
  the name again (``W = W * 2``), which leaves the entry as it was; a write through the name
  (``W *= 2``, ``W[0] = v``) writes into the entry's array, as NumPy does;
* any other use of a structured value (passing the whole list to a function,
  arithmetic on it, ``break`` in a loop over it) is a ``BackgenError`` at its line.

A leaf is named after the name the code first binds it to (``W`` in the first
iteration of a loop: ``W1``; ``W1, b1 = params[0]``: ``W1``), otherwise
``params_0_1`` (also where the code binds that name to something else as well).  ``pack`` gives the generated backward the parameter back
(``(W1, b1), (W2, b2) = params``) and returns its gradient with the same
structure (``[(dW1, db1), (dW2, db2)]``; ``None`` for a leaf that is not
differentiated, such as an integer).
"""

import ast
import builtins
import dataclasses
import keyword

import numpy as np

from .errors import BackgenError
from .nested import stored_names as _stored
from .parse import inlined_note, read_helper
from .source import meaning_of, of_kinds, parents as node_parents, parts_list, walk, tree_copy, names_of

# what flattens a structure of arrays into one vector: autograd's and JAX's
_FLATTENS = frozenset({"autograd.misc.flatten", "autograd.misc.flatten.flatten", "jax.flatten_util.ravel_pytree"})


@dataclasses.dataclass
class _Leaf:
    path: tuple
    name: str = ""
    nodes: list = dataclasses.field(default_factory=list)  # Name nodes to be given the final name


@dataclasses.dataclass
class _Node:
    kind: type  # list, tuple or dict
    children: list
    keys: tuple = ()  # a dict's keys, in order


@dataclasses.dataclass(frozen=True)
class _Sized:
    size: int  # a name holding a list display, whose len() is known


@dataclasses.dataclass(frozen=True)
class Packing:
    param: str
    structure: object  # _Node of _Leaf
    leaves: tuple  # leaf names, in order
    open: bool = False  # a dict known by the keys the code reads alone (no shapes): it may hold others


def _numbers_only(value):
    """Whether ``value`` is a list or tuple of lists or tuples of plain numbers, at any depth (no arrays)."""
    if isinstance(value, (list, tuple)):
        return all(_numbers_only(v) for v in value)
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def is_structured(value, declared=False):
    """Whether ``value`` (an example argument, or with ``declared`` a ``shapes=`` entry) is a
    structure of arrays."""
    if isinstance(value, dict):  # a dict of arrays, not of settings (bn_param = {"mode": "train"...})
        leaves = list(_flat_values(value, declared))
        if not value or not all(_key(k) for k in value):
            return False
        if declared:  # (shapes: "3, 4", (3, 4), 4, float)
            return all(isinstance(v, (str, tuple)) or type(v) is int or v in (float, int) for v in leaves)
        return not any(isinstance(v, (str, bool)) or v is None for v in leaves) \
            and any(isinstance(v, np.ndarray) and v.dtype.kind == "f" for v in leaves)
    if not isinstance(value, (list, tuple)) or not value:
        return False
    if not declared and (integer_table(value) or number_table(value)):  # faces = [[0, 1, 2], [0, 2, 3]]:
        return False  # indices, as an array of them; A = [[0.7, 0.3], [0.4, 0.6]]: a matrix written as rows
    if any(isinstance(v, (list, tuple)) or isinstance(v, dict) and is_structured(v, declared) for v in value):
        return True  # [(W1, b1), (W2, b2)] or [{"W": W1, "b": b1}, {"W": W2, "b": b2}]
    if declared and any(isinstance(v, str) and "," in v for v in value):
        return True  # ["3, 2", "3, 5"]: a shape per array (dimensions are one each: ["N", "D"])
    arrays = [v for v in value if isinstance(v, np.ndarray)]
    return len({v.shape for v in arrays}) > 1 or bool(arrays) and any(  # ((V, 3.0): an array and a number)
        v.ndim for v in arrays) and any(isinstance(v, (float, int, np.number)) for v in value)


def number_dict(value):
    """Whether ``value`` is a dict of floats alone at string keys (``params = {"k": 2.0, "c": 0.3}``): numbers
    to differentiate where the function reads it at its keys alone, as ``arrays_read_by_key`` says (no flag,
    count or string among them, no name or key of settings)."""
    return isinstance(value, dict) and bool(value) and all(isinstance(k, str) for k in value) and \
        all(isinstance(v, (float, np.floating)) for v in value.values())


def integer_table(value):
    """Whether ``value`` is a list or tuple of lists or tuples of whole numbers, all of one length (a mesh's
    faces read from a file, ``[[0, 1, 2], [0, 2, 3]]``): no structure of arrays, but integers in rows."""
    rows = [v for v in value if isinstance(v, (list, tuple))]
    return len(rows) == len(value) and len({len(v) for v in rows}) == 1 and all(
        isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_)) for v in rows for x in v)


def number_table(value):
    """Whether ``value`` is a list or tuple of lists of numbers (floats among them), all of one length: a matrix
    written as its rows (an HMM's transition probabilities ``[[0.7, 0.3], [0.4, 0.6]]``), read as its array."""
    if not isinstance(value, (list, tuple)) or not value:
        return False
    rows = [v for v in value if isinstance(v, list)]
    return len(rows) == len(value) and len({len(v) for v in rows}) == 1 and len(rows[0]) > 0 and all(
        isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_))
        for v in rows for x in v) and any(isinstance(x, (float, np.floating)) for v in rows for x in v)


def _its_tuple_default(func, k, value):
    """Whether ``value``, given to the k-th parameter of ``func``, is that parameter's default, a tuple
    written out (``shapes=((1, 3), (3, 1))``): a setting, read as the numbers it holds, not as arrays."""
    args = func.args
    position = k - (len(args.args) - len(args.defaults))
    if position < 0 or not isinstance(args.defaults[position], ast.Tuple) or not isinstance(value, tuple):
        return False
    try:
        return ast.literal_eval(args.defaults[position]) == value
    except (ValueError, TypeError, SyntaxError):
        return False


def _key(k):
    """Whether ``k`` is a key backgen reads a dict of arrays at: a string or an integer (not a bool)."""
    return isinstance(k, (str, int, np.integer)) and not isinstance(k, (bool, np.bool_))


_SETTINGS_KEYS = frozenset({"mode", "p", "eps", "momentum", "stride", "pad", "pool_height", "pool_width",
                            "layernorm", "seed", "running_mean", "running_var"})  # (CS231n's settings dicts)


_SETTINGS_NAMES = ("_param", "config", "cfg", "settings", "options", "opts")  # (how dicts of settings end)


def settings_name(name):
    """Whether ``name`` is one a dict of settings goes by (``cfg``, ``config``, ``bn_param``...)."""
    return name.lower().endswith(_SETTINGS_NAMES)


def arrays_read_by_key(func, name, parents=None):
    """The keys, in the order first read, of a parameter ``name`` that ``func`` reads only at string
    constants (``params['W1']``, never written, iterated, passed on or tested against a string), none of
    them a key of a dict of settings (``mode``, ``eps``, ``stride``...), nor ``name`` one of settings
    (``bn_param``, ``config``): a dict of arrays whose shapes are not given, so its entries are read
    as arrays of every shape.  Empty where it is read otherwise."""
    if settings_name(name):
        return ()
    parents = node_parents(func) if parents is None else parents
    keys = []
    for node in walk(func):
        if isinstance(node, ast.Name) and node.id == name:
            key = _key_read(node, parents)
            if key is None:
                return ()
            keys.append((node.lineno, node.col_offset, key))
    return tuple(dict.fromkeys(key for *_, key in sorted(keys)))


def _key_read(node, parents):
    """The key at which the name ``node`` is read (``params['W1']``): a string constant, not one of a dict
    of settings' keys nor compared with a string (``params['mode'] == 'train'``); else None."""
    parent = parents.get(node)
    if isinstance(node.ctx, ast.Store) or not (isinstance(parent, ast.Subscript) and parent.value is node and
                                               isinstance(parent.ctx, ast.Load)):
        return None
    key = parent.slice
    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)) or key.value in _SETTINGS_KEYS:
        return None
    compared = parents.get(parent)
    if isinstance(compared, ast.Compare) and any(isinstance(c, ast.Constant) and isinstance(c.value, str)
                                                 for c in [compared.left, *compared.comparators]):
        return None  # (a setting)
    return key.value


def keys_read_through_helpers(forward, name, depth=0):
    """``arrays_read_by_key`` of the parameter ``name`` of ``forward``, where the function may also pass it
    whole, by position, to functions of the module reading it so in turn (deeplearning.ai's
    ``forward_propagation(X, parameters)`` called by the cost: ``parameters["W1"]`` read there), at three
    calls' depth at most: the keys all of them read, in the order first read; empty where any reads it
    otherwise."""
    if settings_name(name) or depth > 2:
        return ()
    parents, keys = node_parents(forward.func), []
    for node in walk(forward.func):
        if not (isinstance(node, ast.Name) and node.id == name):
            continue
        key = _key_read(node, parents)
        if key is not None:
            keys.append(key)
            continue
        parent = parents.get(node)
        if not (isinstance(parent, ast.Call) and node in parent.args and isinstance(parent.func, ast.Name) and
                parent.func.id in forward.helpers and isinstance(node.ctx, ast.Load)):
            return ()
        try:
            helper = read_helper(forward, parent.func.id)
        except BackgenError:
            return ()
        params = helper.func.args.args
        position = parent.args.index(node)
        inner = keys_read_through_helpers(helper, params[position].arg, depth + 1) \
            if position < len(params) else ()
        if not inner:
            return ()
        keys += inner
    return tuple(dict.fromkeys(keys))


def numbers_read_by_key(forward, name, depth=0):
    """Whether the function reads its parameter ``name`` at string keys alone (``arrays_read_by_key``), or
    passes it whole, by position, to functions of the module that do so with theirs (``rhs(y, params)``
    reading ``params["a"]``, at three calls' depth at most): a dict of numbers to differentiate (``number_dict``)."""
    if arrays_read_by_key(forward.func, name):
        return True
    if depth > 2 or settings_name(name):
        return False
    parents, passed = node_parents(forward.func), False
    for node in walk(forward.func):
        if not (isinstance(node, ast.Name) and node.id == name) or _key_read(node, parents) is not None:
            continue
        parent = parents.get(node)
        if not (isinstance(parent, ast.Call) and node in parent.args and isinstance(parent.func, ast.Name) and
                parent.func.id in forward.helpers and isinstance(node.ctx, ast.Load)):
            return False  # (read otherwise than at a key or passed to a function of the module)
        helper = read_helper(forward, parent.func.id)
        params = helper.func.args.args
        position = parent.args.index(node)
        if position >= len(params) or not numbers_read_by_key(helper, params[position].arg, depth + 1):
            return False
        passed = True
    return passed


def unread_keys(value):
    """The first key of a dict of arrays (of floats) that is not a string or an integer (a tuple, a
    float), which backgen does not read the dict at; None where there is none."""
    if not isinstance(value, dict) or not any(
            isinstance(v, np.ndarray) and v.dtype.kind == "f" for v in _flat_values(value)):
        return None
    return next((k for k in value if not _key(k)), None)


def holds_arrays(value):
    """Whether ``value`` is a list or tuple holding arrays of floats (``[W1, W2]`` of one shape too)."""
    return isinstance(value, (list, tuple)) and any(
        isinstance(v, np.ndarray) and v.dtype.kind == "f" for v in _flat_values(value))


def _flat_values(value, declared=False):
    """The leaves of a structure of values (``declared``: of shapes, where a tuple of integers is one)."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)) and not (declared and isinstance(value, tuple) and value and
                                                 all(type(v) is int for v in value)):
        for item in value:
            yield from _flat_values(item, declared)
    else:
        yield value


def _tree(value, declared, path=()):
    """The structure of ``value``; in a ``shapes=`` entry (``declared``) a tuple of integers is a shape."""
    shape = declared and isinstance(value, tuple) and all(type(v) is int for v in value)
    if isinstance(value, dict):
        keys = tuple(value)
        return _Node(dict, [_tree(value[k], declared, path + (_plain(k),)) for k in keys], tuple(map(_plain, keys)))
    if isinstance(value, (list, tuple)) and not shape:
        return _Node(type(value), [_tree(v, declared, path + (k,)) for k, v in enumerate(value)])
    return _Leaf(path)


def _plain(key):
    """A dict's key as Python writes it (``np.int64(0)`` as ``0``, the same key)."""
    return int(key) if isinstance(key, np.integer) else key


def _leaves(node):
    if isinstance(node, _Leaf):
        return [node]
    return [leaf for child in node.children for leaf in _leaves(child)]


def _values(value, node):
    if isinstance(node, _Leaf):
        return [value]
    items = [value[k] for k in node.keys] if node.kind is dict else value
    return [v for child, item in zip(node.children, items) for v in _values(item, child)]


def flatten(forward, wrt, shapes, args, unshaped=False):
    """The forward with each structured parameter replaced by its leaves (see the module doc).  With
    ``unshaped`` (``generate`` given no example values), those only that are dicts of arrays whose
    shapes ``shapes`` does not give, read at string keys (``arrays_read_by_key``): each entry a
    parameter of no shape given."""
    params = [a.arg for a in forward.func.args.args]
    found = {}
    parents = node_parents(forward.func) if unshaped else None
    for k, name in enumerate(params):
        value = args[k] if args is not None and k < len(args) else (shapes or {}).get(name)
        if unshaped:
            keys = (arrays_read_by_key(forward.func, name, parents) or keys_read_through_helpers(forward, name)) \
                if name not in (shapes or {}) else ()
            if keys:  # (params['W1'] and params['b1'] in arithmetic, neither given: arrays of every shape)
                found[name] = (_tree(dict.fromkeys(keys), False), None)
            continue
        key = unread_keys(value) if args is not None else None
        if key is not None:  # (read at it as a dict of settings, its arrays would have no gradient)
            raise forward.error(f"{name} is given a dict of arrays with the key {key!r}; backgen reads dicts of "
                                "arrays at keys that are strings or integers", forward.func.args.args[k])
        if (is_structured(value, args is None) or args is not None and number_dict(value) and
                numbers_read_by_key(forward, name)) and not name.endswith("_param") and \
                not _its_tuple_default(forward.func, k, value):  # (params = {"k": 2.0} read at its keys alone)
            found[name] = (_tree(value, args is None), value)
    if not found:
        return forward, wrt, shapes, args, ()
    func = tree_copy(forward.func)
    trees = {name: tree for name, (tree, _) in found.items()}
    rewriter = _Rewriter(forward, trees, _all_names(func))
    rewriter.number_lists = {name for name, (_, value) in found.items() if args is not None and _numbers_only(value)}
    rewriter.integer_leaves = {id(leaf) for name, (tree, value) in found.items() if args is not None
                               for leaf, item in zip(_leaves(tree), _values(value, tree))
                               if isinstance(item, (int, np.integer)) and not isinstance(item, (bool, np.bool_))}
    if args is not None:  # an integer argument bounds a loop as a constant would (for i in range(1, num_layers):
        stored = {n.id for n in walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        rewriter.numbers.update({name: ast.Constant(int(value)) for name, value in zip(params, args)  # the
                                 if isinstance(value, (int, np.integer)) and not isinstance(value, bool)  # code
                                 and name not in stored})  # is for that value: the decorator's, keyed by it)
        rewriter.numbers.update({name: ast.Constant(value) for name, value in zip(params, args)  # a string
                                 if type(value) is str and name not in stored})  # likewise (vectors[word])
        rewriter.aliases.update({name: _Sized(len(value)) for name, value in zip(params, args)  # so is the
                                 if (isinstance(value, (list, tuple)) or isinstance(value, np.ndarray)  # length
                                     and value.ndim > 0)  # of a list
                                 and name not in found and name not in stored})  # of numbers or an array's (the
                                 # code is for arrays of its sizes): zip(Ws, alphas) reads it
    if args is None:  # so is the length of an array of declared size (zip(Ws, alphas), alphas "2")
        from .shapes import spec  # (shapes reads this module's helpers: imported where needed)
        stored = {n.id for n in walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        for name in params:
            value = (shapes or {}).get(name)
            try:
                dims = spec(value).dims if name not in found and name not in stored and value is not None else ()
            except TypeError:
                dims = ()
            if dims and type(dims[0]) is int:
                rewriter.aliases[name] = _Sized(dims[0])
    func.body = rewriter.block(func.body)
    ast.fix_missing_locations(func)  # (the lines it wrote, i = 1 after a loop written out, where the loop was)
    rewriter.name_leaves(params, _bound_names(func, found))
    new_args, new_values, new_shapes, packing = [], [], dict(shapes or {}), []
    for k, arg in enumerate(func.args.args):
        if arg.arg not in found:
            new_args.append(arg)
            if args is not None:
                new_values.append(args[k])
            continue
        tree, value = found[arg.arg]
        leaves = _leaves(tree)
        new_args += [ast.copy_location(ast.arg(leaf.name), arg) for leaf in leaves]
        if args is not None:
            new_values += _values(args[k], tree)
        elif value is not None:
            new_shapes.update({leaf.name: v for leaf, v in zip(leaves, _values(value, tree))})
        new_shapes.pop(arg.arg, None)
        packing.append(Packing(arg.arg, tree, tuple(leaf.name for leaf in leaves), unshaped))
    if func.args.defaults and any(a.arg in found for a in func.args.args[-len(func.args.defaults):]):
        name = next(a.arg for a in func.args.args[-len(func.args.defaults):] if a.arg in found)
        raise forward.error(f"{name} is given arrays (in a list, a tuple or a dict), which a parameter with a "
                            f"default cannot hold: pass them to a parameter without one, or give {name} no "
                            "default", node=next(a for a in func.args.args if a.arg == name))
    func.args.args = new_args
    if wrt is not None:
        wrt = tuple(n for w in wrt for n in (
            [p.leaves for p in packing if p.param == w][0] if w in found else (w,)))
    forward = dataclasses.replace(forward, func=func)
    return forward, wrt, new_shapes or shapes, (new_values if args is not None else None), tuple(packing)


_STRING_TESTS = frozenset({"startswith", "endswith", "isupper", "islower", "isdigit", "isalpha", "lower", "upper",
                           "strip", "lstrip", "rstrip"})  # (str methods a key's test calls: for k in params:
# if k.startswith("W"), the key written out as it is unrolled)


def _constant_test(test):
    """Whether ``test`` is made of constants alone (``None == "batchnorm"``, ``not True``), strings' methods
    of ``_STRING_TESTS`` called on them included (``"W1".startswith("W")``)."""
    calls = [n for n in walk(test) if isinstance(n, ast.Call)]
    if any(not (isinstance(c.func, ast.Attribute) and isinstance(c.func.value, ast.Constant) and
                type(c.func.value.value) is str and c.func.attr in _STRING_TESTS and not c.keywords)
           for c in calls):
        return False
    methods = {id(c.func) for c in calls}
    return all(isinstance(n, (ast.Constant, ast.Compare, ast.BoolOp, ast.UnaryOp, ast.cmpop, ast.boolop,
                              ast.unaryop, ast.expr_context, ast.Call)) or id(n) in methods for n in walk(test))


def _truth(test):
    """The truth of a test of constants."""
    return bool(eval(compile(ast.fix_missing_locations(ast.Expression(test)), "<test>", "eval"), {"__builtins__": {}}))


def pack(backward, packing):
    """The generated backward taking the structured parameters whole and returning their gradients
    with the same structure."""
    adjoints = dict(zip(backward.wrt, backward.returns))
    params, wrt, returns, unpack = [], [], [], []
    for name in backward.params:
        owner = next((p for p in packing if name in p.leaves), None)
        if owner is None:
            params.append(name)
            if name in adjoints:
                wrt.append(name)
                returns.append(adjoints[name])
        elif name == owner.leaves[0]:
            params.append(owner.param)
            if _has_dict(owner.structure):  # W = params["W"], one line per array
                unpack += [f"{leaf.name} = {owner.param}{_access(owner.structure, leaf.path)}"
                           for leaf in _leaves(owner.structure)]
            else:
                unpack.append(f"{_pattern(owner.structure, lambda leaf: leaf.name, top=True)} = {owner.param}")
            if any(leaf in adjoints for leaf in owner.leaves):
                wrt.append(owner.param)
                text = _pattern(owner.structure, lambda leaf: adjoints.get(leaf.name, "None"))
                # (a dict known by the keys read: its other keys, which the code does not read, get zeros;
                open_ = owner.open and owner.param not in backward.attribute_params  # an object's, by those read)
                returns.append(f"_with_keys_of({owner.param}, {text})" if open_ else text)
    return dataclasses.replace(backward, params=tuple(params), wrt=tuple(wrt), returns=tuple(returns),
                               unpack=tuple(unpack) + tuple(backward.unpack))


def spelled(packing, message):
    """``"p_W is p['W']"`` for each array of a dict or list of arrays that ``message`` names by the
    name backgen gave it (quoted), and the user does not."""
    return [f"{leaf.name} is {p.param}{_access(p.structure, leaf.path)}" for p in packing
            for leaf in _leaves(p.structure) if f"'{leaf.name}'" in message]


def unshaped_note(packing):
    """What a refusal of code whose dicts of arrays ``flatten(..., unshaped=True)`` read says of them:
    which array each name is, and how to give their shapes."""
    named = "; ".join(f"{leaf.name} is {p.param}{_access(p.structure, leaf.path)}" for p in packing
                      for leaf in _leaves(p.structure) if leaf.name != f"{p.param}{_access(p.structure, leaf.path)}")
    first = packing[0]
    key = _leaves(first.structure)[0].path[0]
    return (f" ({named + '; ' if named else ''}the shapes of a dict's arrays are given as "
            f"shapes={{{first.param!r}: {{{key!r}: 'N, D', ...}}}})")


def keys_needed(param, method):
    """The refusal's words for ``param.method()`` (``values``, ``items``, ``keys``) of a parameter whose keys
    backgen was not given: a dict of arrays iterated so is followed only where its keys are known."""
    return (f"{param}.{method}() reads {param} as a dict whose keys backgen does not know here: give its keys "
            f"and their shapes (shapes={{{param!r}: {{'W1': 'D, H', 'b1': 'H', ...}}}}; on the command line "
            f"--shape \"{param}={{'W1': 'D, H', 'b1': 'H', ...}}\") or call the decorated "
            f"function's .backward() with the dict")


def _has_dict(node):
    return isinstance(node, _Node) and (node.kind is dict or any(_has_dict(c) for c in node.children))


def _access(node, path):
    return "".join(f"[{k!r}]" for k in path)


def _pattern(node, text, top=False):
    if isinstance(node, _Leaf):
        return text(node)
    if node.kind is dict:
        return "{" + ", ".join(f"{k!r}: {_pattern(c, text)}" for k, c in zip(node.keys, node.children)) + "}"
    inner = ", ".join(_pattern(child, text) for child in node.children)
    if node.kind is tuple or top:
        return f"({inner},)" if len(node.children) == 1 else (inner if top else f"({inner})")
    return f"[{inner}]"


def _target_parts(target):
    """The targets an assignment's ``target`` assigns (those of a tuple)."""
    if isinstance(target, (ast.Tuple, ast.List)):
        return [t for e in target.elts for t in _target_parts(e)]
    if isinstance(target, ast.Starred):
        return _target_parts(target.value)
    return [target]


def _bound_names(func, structured):
    """The names the rewritten ``func`` binds: those it assigns (reads of an entry are loads), its
    other parameters and those of the functions and lambdas in it."""
    names = _stored(func.body)
    names |= {a.arg for a in func.args.args if a.arg not in structured}
    for node in walk(func):
        if isinstance(node, ast.arg) and node is not func.args.vararg and node is not func.args.kwarg \
                and node not in func.args.args:
            names.add(node.arg)
    names |= {a.arg for a in (func.args.vararg, func.args.kwarg) if a is not None}
    return names


def _numbered(word, indices):
    """The name of a dict's array ``word`` in the element at ``indices`` of a list: ``W1`` for
    ``layers[0]["W"]`` (as a loop's first iteration names it), ``W_1_2`` deeper."""
    if not indices:
        return word
    if len(indices) == 1 and not word[-1].isdigit():
        return f"{word}{indices[0] + 1}"
    return "_".join([word] + [str(k + 1) for k in indices])


def _all_names(func):
    names = names_of(func)
    return names | {a.arg for a in walk(func) if isinstance(a, ast.arg)}


_FOLDED = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
           ast.FloorDiv: lambda a, b: a // b, ast.Mod: lambda a, b: a % b}


class _Rewriter:
    """Unrolls loops over structured values and resolves their indexing, statement by statement.

    ``aliases`` maps a name to what it holds now: a ``_Node``, a ``_Leaf`` or a constant (an AST),
    until the code assigns that name again."""

    def __init__(self, forward, trees, taken):
        self.forward = forward
        self.aliases = dict(trees)
        self.roots = dict(trees)
        self.taken = set(taken)
        self.leaf_names = set()
        self.number_lists = set()  # the parameters given lists of lists of numbers (no arrays)
        self.integer_leaves = set()  # ids of the leaves given integers (a ragged batch of token ids)
        self.prelude = []  # statements a helper written out in the current statement puts before it
        self.lazy = 0  # inside a conditional expression (no helper is written out there)
        self.iteration = None  # the element a loop being unrolled is at
        self.branch = 0  # inside an if, or a loop not written out: a name bound there is assigned
        self.numbers = {}  # names assigned an integer or string the code computes from constants: num_layers = 3

    def error(self, message, node):
        return self.forward.error(message, node)

    # --- statements ---

    def block(self, stmts):
        out = []
        for stmt in stmts:
            out += self.statement(stmt)
        return out

    def statement(self, stmt):
        saved, self.prelude = self.prelude, []
        try:
            lines = self._statement(stmt)
            return self.prelude + lines
        finally:
            self.prelude = saved

    def _statement(self, stmt):
        if isinstance(stmt, ast.For):
            unrolled = self.unroll(stmt)
            if unrolled is not None:
                return unrolled
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
            held = self.resolve(value)
            if isinstance(held, (_Node, _Leaf)):
                return self.bind(target, held, None, stmt)
            if isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List)) \
                    and len(target.elts) == len(value.elts) \
                    and all(isinstance(t, ast.Name) for t in target.elts) \
                    and len({t.id for t in target.elts}) == len(target.elts) \
                    and any(isinstance(self.resolve(v), (_Node, _Leaf)) for v in value.elts):
                values = [self.resolve(v) or self.expression(v) for v in value.elts]  # all read first
                held = [(t, v) for t, v in zip(target.elts, values) if isinstance(v, (_Node, _Leaf))]
                computed = [(t, v) for t, v in zip(target.elts, values) if not isinstance(v, (_Node, _Leaf))]
                lines = []
                if computed:  # (A, B = B, A: the values given the names at once, before B is the entry's)
                    lines += self.bind_ast(
                        ast.Tuple([t for t, _ in computed], ast.Store()) if len(computed) > 1 else computed[0][0],
                        ast.Tuple([v for _, v in computed], ast.Load()) if len(computed) > 1 else computed[0][1],
                        stmt)
                return lines + [line for t, v in held for line in self.bind(t, v, None, stmt)]
        if isinstance(stmt, ast.If) and _constant_test(stmt.test):  # if None == "batchnorm": (a setting
            return self.block(stmt.body if _truth(stmt.test) else stmt.orelse)  # read as its value): the path
        if isinstance(stmt, (ast.If, ast.For, ast.While)):
            bound = _stored([stmt])
            before = self.release(bound | _mutated([stmt]), stmt)
            for field in ("test", "iter"):
                if getattr(stmt, field, None) is not None:
                    self.lazy += isinstance(stmt, ast.While)  # a while test runs again: nothing before it
                    try:
                        setattr(stmt, field, self.expression(getattr(stmt, field)))
                    finally:
                        self.lazy -= isinstance(stmt, ast.While)
            self.branch += 1
            try:
                stmt.body = self.block(stmt.body)
                stmt.orelse = self.block(stmt.orelse)
            finally:
                self.branch -= 1
            for name in bound:  # what a name holds there it may hold or not after (if c: W = params['W'])
                self.aliases.pop(name, None)
            for name in _stored([stmt]) | _mutated([stmt]):  # a number set on some paths only is not known
                self.numbers.pop(name, None)
            return before + [stmt]
        before = self.keep_aliases(stmt) + self.written_through(stmt)
        stmt = self.expressions_of(stmt)
        stored = _stored([stmt])
        for name in stored | _mutated([stmt]):
            if name not in stored and isinstance(self.aliases.get(name), _Leaf):
                continue  # W.sum(), W.T: the name still holds the array, whatever its methods do to it
            self.aliases.pop(name, None)
            self.numbers.pop(name, None)
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            value = self.folded(stmt.value)
            if type(value) in (int, str):  # (k = 'W1', as a display of keys is written out: params[k])
                self.numbers[stmt.targets[0].id] = ast.Constant(value)
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                and isinstance(stmt.value, (ast.List, ast.Tuple)):
            self.aliases[stmt.targets[0].id] = _Sized(len(stmt.value.elts))  # its len() is known
        return before + [stmt]

    def keep_aliases(self, stmt):
        """``params['W'] = v`` (also ``params['s'] *= 2``, ``params['W'], c = ...``) gives the key a new
        value: a name that held the old one (``W = params['W']`` before it) keeps it, by an assignment
        before the statement (where the array went by that name, it gets another); an array written into
        in place is the same array under both names, as NumPy has it."""
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] \
            if isinstance(stmt, ast.AugAssign) else []  # (params['s'] *= 2 gives a number key another)
        targets = [t for target in targets for t in _target_parts(target)]
        leaves = [self.resolve(t) for t in targets
                  if isinstance(t, ast.Subscript) and isinstance(self.resolve(t.value), _Node)]
        out = []
        for name, held in list(self.aliases.items()):
            if not any(held is leaf for leaf in leaves) or name in self.roots:
                continue
            leaf = held
            if name == leaf.name:  # (named at the end, as a leaf no name was given)
                leaf.name = ""
                self.leaf_names.discard(name)
            out.append(ast.copy_location(ast.Assign([ast.Name(name, ast.Store())], self.load(leaf)), stmt))
            self.aliases.pop(name)
        return out

    def written_through(self, stmt):
        """``W *= 2`` (or ``del W``) of a name holding an array of a structured value reads the name
        as it assigns it: it is given the array by an assignment before the statement, so that the
        statement writes into that array (as NumPy does) and the name no longer stands for the entry."""
        if isinstance(stmt, ast.AugAssign):
            targets = [stmt.target]
        elif isinstance(stmt, ast.Delete):
            targets = stmt.targets
        else:
            return []
        out = []
        for target in targets:
            if isinstance(target, ast.Name) and isinstance(self.aliases.get(target.id), _Leaf):
                held = self.aliases.pop(target.id)
                out.append(ast.copy_location(ast.Assign([ast.Name(target.id, ast.Store())], self.load(held)), stmt))
        return out

    def release(self, names, stmt):
        """Names a branch or loop assigns stop being aliases: a leaf's becomes an assignment before it."""
        out = []
        for name in sorted(names):
            self.numbers.pop(name, None)
            held = self.aliases.pop(name, None)
            if isinstance(held, _Sized):
                continue
            if isinstance(held, _Node):
                raise self.error(f"{name!r} holds part of a list of arrays and is assigned again in this "
                                 "block; backgen follows such lists only where they are read", stmt)
            if held is not None:
                out.append(ast.copy_location(ast.Assign([ast.Name(name, ast.Store())], self.load(held)), stmt))
        return out

    def unroll(self, stmt):
        """``for ... in params`` (or enumerate, zip, range(len(...)), each maybe reversed) over a
        structured value: one copy of the body per element."""
        it = stmt.iter
        backwards = isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "reversed" \
            and len(it.args) == 1 and not it.keywords  # for i in reversed(range(L)): the same, last first
        it = it.args[0] if backwards else it
        call = it if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and not it.keywords else None
        parts = None
        node = self.resolve(it)
        method = it.func.attr if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) \
            and not it.args and not it.keywords else None
        if method in ("items", "keys", "values") and isinstance(self.resolve(it.func.value), _Node) \
                and self.resolve(it.func.value).kind is dict:
            node = self.resolve(it.func.value)
            keys = [ast.Constant(k) for k in node.keys]
            parts = {"items": [list(p) for p in zip(keys, node.children)], "keys": [[k] for k in keys],
                     "values": [[c] for c in node.children]}[method]
            target = self.split(stmt.target, 2, stmt) if method == "items" else [stmt.target]
        elif isinstance(node, _Node) and node.kind is dict:  # a dict iterates its keys
            parts = [[ast.Constant(k)] for k in node.keys]
            target = [stmt.target]
        elif isinstance(node, _Node):
            parts = [[child] for child in node.children]
            target = [stmt.target]
        elif call is not None and call.func.id == "enumerate" and len(call.args) == 1:
            node = self.resolve(call.args[0])
            if isinstance(node, _Node):
                parts = [[ast.Constant(k), child] for k, child in enumerate(node.children)]
                target = self.split(stmt.target, 2, stmt)
        elif call is not None and call.func.id == "zip" and call.args:
            nodes = [self.resolve(a) for a in call.args]
            sized = [n for n in nodes if isinstance(n, _Node)]
            if sized:
                count = min(len(n.children) for n in sized)
                parts = [[n.children[k] if isinstance(n, _Node) else
                          ast.Subscript(self.expression(tree_copy(a)), ast.Constant(k), ast.Load())
                          for n, a in zip(nodes, call.args)] for k in range(count)]
                target = self.split(stmt.target, len(call.args), stmt)
        elif call is not None and call.func.id == "range" and len(call.args) == 1 \
                and self.length(call.args[0]) is not None:
            bound = self.length(call.args[0])
            if isinstance(stmt.target, ast.Name):
                parts = [[ast.Constant(k)] for k in range(bound)]
                target = [stmt.target]
        elif call is not None and call.func.id == "range" and 1 <= len(call.args) <= 3 \
                and isinstance(stmt.target, ast.Name) and self.reads_by_counter(stmt.body, stmt.target.id):
            bounds = [self.constant(a) for a in call.args]  # for i in range(1, num_layers): params["W%d" % i]
            if None not in bounds and (len(bounds) < 3 or bounds[2] != 0) and len(range(*bounds)) <= 1000:
                parts = [[ast.Constant(k)] for k in range(*bounds)]
                target = [stmt.target]
        if parts is None:
            return None
        parts = parts[::-1] if backwards else parts
        if stmt.orelse or any(isinstance(n, (ast.Break, ast.Continue)) for s in stmt.body for n in walk(s)):
            raise self.error("a loop over a list of arrays is written out one element after another, so it "
                             "cannot break, continue or have an else", stmt)
        out = []
        outer = self.iteration
        try:
            for k, values in enumerate(parts):
                self.iteration = k
                for name, value in zip(target, values):
                    out += self.bind(name, value, k, stmt)
                out += self.block(tree_copy(stmt.body))
        finally:
            self.iteration = outer
        return out

    def reads_by_counter(self, body, counter):
        """Whether ``body`` reads a list or dict of arrays at an index or key it computes (from the
        ``counter`` of the loop it is in: ``params["W%d" % (i + 1)]``), which only writing the loop
        out one iteration after another resolves."""
        held = self.aliases.pop(counter, None), self.numbers.pop(counter, None)
        try:
            return any(isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
                       and isinstance(self.aliases.get(node.value.id), _Node) and self.folded(node.slice) is None
                       for node in walk(ast.Module(body, [])))
        finally:
            for table, value in zip((self.aliases, self.numbers), held):
                if value is not None:
                    table[counter] = value

    def split(self, target, count, stmt):
        if not isinstance(target, (ast.Tuple, ast.List)) or len(target.elts) != count:
            raise self.error(f"unpack the {count} values of each element here (for a, b in ...)", stmt)
        return target.elts

    def bind(self, target, value, iteration, stmt):
        """``target`` now holds ``value`` (a node, a leaf, or an AST of an ordinary value)."""
        if isinstance(target, (ast.Tuple, ast.List)):
            if not isinstance(value, _Node):
                if isinstance(value, _Leaf):
                    raise self.error("this unpacks one array of a list of arrays into several names", stmt)
                return self.bind_ast(target, value, stmt)
            if len(target.elts) != len(value.children):
                raise self.error(f"this unpacks {len(value.children)} values into {len(target.elts)} names", stmt)
            out = []
            for t, v in zip(target.elts, value.children):
                out += self.bind(t, v, iteration, stmt)
            return out
        if not isinstance(target, ast.Name):
            raise self.error("part of a list of arrays can only be given a name here", stmt)
        if isinstance(value, (_Node, _Leaf)):
            if isinstance(value, _Leaf) and not value.name:
                self.name_leaf(value, target.id, iteration)
            self.aliases[target.id] = value
            return self.assigned_in_branch(target, value, stmt)
        if isinstance(value, ast.Constant):  # a loop's counter: read as the number it is
            self.aliases[target.id] = value
            return self.assigned_in_branch(target, value, stmt)
        return self.bind_ast(target, value, stmt)

    def assigned_in_branch(self, target, value, stmt):
        """Inside an if or a loop not written out, a name given an array or a number is also assigned
        it, for the code after, where the name holds it on some paths only; a name given part of a
        list of arrays there is read there only."""
        if not self.branch or isinstance(value, _Node):
            return []
        return [ast.copy_location(ast.Assign([ast.Name(target.id, ast.Store())], self.load(value)), stmt)]

    def bind_ast(self, target, value, stmt):
        """``target = value``, ``value`` already read (its names holding entries written as those)."""
        for name in _stored([ast.Assign([target], value)]):
            self.numbers.pop(name, None)
            if isinstance(self.aliases.pop(name, None), _Node):
                raise self.error(f"{name!r} holds part of a list of arrays and is assigned again here; backgen "
                                 "follows such lists only where they are read", stmt)
        return [ast.copy_location(ast.Assign([target], value), stmt)]  # (value: read as the statement began)

    def name_leaf(self, leaf, name, iteration):
        """Name ``leaf`` after ``name``, the first name the code gives it (``W1`` in a loop's first
        iteration); a name another leaf or the code already has is not taken."""
        iteration = self.iteration if iteration is None else iteration
        candidates = [name] if iteration is None else [f"{name}{iteration + 1}", f"{name}_{iteration + 1}"]
        for candidate in candidates:
            own = candidate == name and candidate not in self.leaf_names
            if own or candidate not in self.taken:
                leaf.name = candidate
                self.taken.add(candidate)
                self.leaf_names.add(candidate)
                return

    def name_leaves(self, params, bound=frozenset()):
        """Give every leaf its final name; one named after a name the code also binds to something
        else (``W = params['W']``, then ``W = W * 2``) gets another, so that the name's new value
        is not read as the entry."""
        for param, tree in self.roots.items():
            for leaf in _leaves(tree):
                if leaf.name in bound:
                    self.leaf_names.discard(leaf.name)
                    leaf.name = ""
                if not leaf.name:
                    key = leaf.path[-1] if leaf.path and isinstance(leaf.path[-1], str) else None
                    word = None if key is None else "".join(c if c.isalnum() else "_" for c in key).strip("_")
                    word = word and _numbered(word, [k for k in leaf.path if type(k) is int])
                    base = word if word and word.isidentifier() and not keyword.iskeyword(word) \
                        and word not in self.taken else "_".join(  # (keys 'W_1' and 'W-1': W_1, p_W_1)
                            [param] + ["".join(c if c.isalnum() else "_" for c in str(k)) for k in leaf.path])
                    candidate, k = base, 2
                    while candidate in self.taken:
                        candidate, k = f"{base}_{k}", k + 1
                    leaf.name = candidate
                    self.taken.add(candidate)
                    self.leaf_names.add(candidate)
                for node in leaf.nodes:
                    node.id = leaf.name

    # --- expressions ---

    def display(self, held):
        """A list or tuple of integers (a sentence's ids of a ragged batch, ``seqs[1]``) written out as
        a display of its leaves, which the code then reads as any list of labels."""
        if isinstance(held, _Leaf):
            return self.load(held)
        kind = ast.List if held.kind is list else ast.Tuple
        return kind([self.display(child) for child in held.children], ast.Load())

    def load(self, held):
        if isinstance(held, _Leaf):
            node = ast.Name(held.name or "_leaf", ast.Load())
            held.nodes.append(node)
            return node
        return tree_copy(held)

    def resolve(self, node):
        """What an expression holds when it reads a structured value: a _Node, a _Leaf, or None."""
        if isinstance(node, ast.Name):
            held = self.aliases.get(node.id)
            return held if isinstance(held, (_Node, _Leaf)) else None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
                and 1 <= len(node.args) <= 2 and not node.keywords:  # params.get('W1'): params['W1'] where it
            base = self.resolve(node.func.value)                  # holds that key (the default not read)
            if isinstance(base, _Node) and base.kind is dict:
                key = self.folded(node.args[0])
                if any(type(key) is type(k) and key == k for k in base.keys):
                    return base.children[base.keys.index(key)]
                if len(node.args) == 1 or key is None:
                    raise self.error(f"the dict of arrays has no key {ast.unparse(node.args[0])} that backgen can "
                                     f"read here (its keys: {', '.join(map(repr, base.keys))})", node)
            return None  # (params.get('c', 1.0) of a key it lacks: the default, an ordinary value)
        if isinstance(node, ast.Subscript):
            base = self.resolve(node.value)
            if isinstance(base, _Node) and base.kind is dict:
                key = self.folded(node.slice)
                if not any(type(key) is type(k) and key == k for k in base.keys):  # (True is not 1 here)
                    raise self.error(f"the dict of arrays has no key {ast.unparse(node.slice)} that backgen can "
                                     f"read here (its keys: {', '.join(map(repr, base.keys))})", node)
                return base.children[base.keys.index(key)]
            if isinstance(base, _Node) and isinstance(node.slice, ast.Slice):  # params[:-1]: those layers
                bounds = [None if part is None else self.constant(part)
                          for part in (node.slice.lower, node.slice.upper, node.slice.step)]
                if any(b is None and part is not None for b, part in
                       zip(bounds, (node.slice.lower, node.slice.upper, node.slice.step))) or bounds[2] == 0:
                    raise self.error("a list of arrays is sliced here with bounds backgen cannot work out before "
                                     "running the code (use numbers)", node)
                return _Node(base.kind, base.children[slice(*bounds)])
            if isinstance(base, _Node):
                index = self.constant(node.slice)
                if index is None or not -len(base.children) <= index < len(base.children):
                    raise self.error("an element of a list of arrays is read here at an index backgen cannot "
                                     "work out before running the code (use a number or a loop over the list)",
                                     node)
                return base.children[index]
        return None

    def constant(self, node, kind=int):
        """The number (or string) ``node`` is before the code runs, or None."""
        value = self.folded(node)
        return value if type(value) is kind else None

    def folded(self, node):
        """The integer or string ``node`` computes from constants, loop counters being written out,
        names assigned such a value and ``len()`` of lists of arrays (``"W%d" % (i + 1)``,
        ``f"b{i}"``, ``num_layers - 1``), or None."""
        if isinstance(node, ast.Name):
            held = self.aliases.get(node.id)
            held = held if isinstance(held, ast.Constant) else self.numbers.get(node.id)
            return held.value if held is not None and type(held.value) in (int, str) else None
        if isinstance(node, ast.Constant):
            return node.value if type(node.value) in (int, str) else None
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = self.folded(node.operand)
            return -inner if type(inner) is int else None
        if isinstance(node, ast.BinOp) and type(node.op) in _FOLDED:
            left, right = self.folded(node.left), self.folded(node.right)
            if isinstance(node.op, ast.Mod) and type(left) is str and isinstance(node.right, ast.Tuple):
                right = tuple(self.folded(e) for e in node.right.elts)
                right = None if None in right else right
            kinds = (type(left), type(right))
            if kinds in ((int, int), (str, str)) or isinstance(node.op, ast.Mod) and kinds[0] is str \
                    and right is not None:
                try:
                    value = _FOLDED[type(node.op)](left, right)
                except (ArithmeticError, TypeError, ValueError):
                    return None
                return value if type(value) in (int, str) else None
            return None
        if isinstance(node, ast.JoinedStr):
            text = []
            for part in node.values:
                value = self.folded(part.value if isinstance(part, ast.FormattedValue) else part)
                if value is None or isinstance(part, ast.FormattedValue) and (
                        part.conversion != -1 or part.format_spec is not None):
                    return None
                text.append(str(value))
            return "".join(text)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format" \
                and isinstance(node.func.value, ast.Constant) and type(node.func.value.value) is str:
            values = [self.folded(a) for a in node.args]  # "W{}".format(i + 1)
            keywords = {k.arg: self.folded(k.value) for k in node.keywords if k.arg is not None}
            if None in values or None in keywords.values() or len(keywords) < len(node.keywords):
                return None
            try:
                return node.func.value.value.format(*values, **keywords)
            except (IndexError, KeyError, ValueError):
                return None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str" \
                and node.func.id not in self.aliases and len(node.args) == 1 and not node.keywords:
            value = self.folded(node.args[0])
            return str(value) if type(value) is int else None
        if isinstance(node, ast.Call):
            return self.length(node)
        return None

    def length(self, node):
        """The number ``len(...)`` of a structured value (or of a list display) gives, or
        ``min`` of such numbers (nested too, as ``zip`` of three is desugared); None if it is not known."""
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name) or node.keywords:
            return None
        if node.func.id == "len" and len(node.args) == 1:
            held = self.resolve(node.args[0])
            if isinstance(held, _Node):
                return len(held.children)
            if isinstance(node.args[0], ast.Name) and isinstance(self.aliases.get(node.args[0].id), _Sized):
                return self.aliases[node.args[0].id].size
        if node.func.id == "min" and node.args:
            sizes = [self.length(a) for a in node.args]
            if all(size is not None for size in sizes) and \
                    any(isinstance(self.resolve(a.args[0]), _Node) or a.func.id == "min" for a in node.args):
                return min(sizes)  # (min(min(len(Ws), len(bs)), len(rates)): zip of three, desugared)
        return None

    def flattened(self, call):
        """``(np.concatenate([np.ravel(W1), np.ravel(b1), ...]), None)`` for ``flatten(params)`` of autograd
        (``autograd.misc.flatten``) or ``ravel_pytree(params)`` of JAX, ``params`` structured: the vector of its
        leaves in their order (a dict's by its sorted keys, as both sort them), each leaf's elements in C order;
        the function that puts a vector back, which backgen does not follow, None.  None where ``call`` is
        no such call."""
        if not (isinstance(call, ast.Call) and len(call.args) == 1 and not call.keywords):
            return None
        spelled = meaning_of(call.func, self.forward.env.get)
        if spelled not in _FLATTENS:
            return None
        held = self.resolve(call.args[0])
        numpy_name = next((n for n, m in self.forward.env.items() if m in ("numpy", "autograd.numpy", "jax.numpy")),
                          None)
        if not isinstance(held, _Node) or numpy_name is None:
            return None

        def leaves(node):
            if isinstance(node, _Leaf):
                return [node]
            if node.kind is dict and len({key.__class__ for key in node.keys}) > 1:
                return None  # (keys of several kinds: sorted by neither)
            children = node.children if node.kind is not dict else \
                [child for _, child in sorted(zip(node.keys, node.children), key=lambda pair: pair[0])]
            found = [leaves(child) for child in children]
            return None if None in found else [leaf for part in found for leaf in part]

        def numpy(attr, args):
            return ast.Call(ast.Attribute(ast.Name(numpy_name, ast.Load()), attr, ast.Load()), args, [])
        flat = leaves(held)
        if flat is None:
            return None
        vector = numpy("concatenate", [ast.List([numpy("ravel", [self.load(leaf)]) for leaf in flat], ast.Load())])
        return ast.fix_missing_locations(ast.copy_location(ast.Tuple([vector, ast.Constant(None)], ast.Load()), call))

    def expression(self, node):
        rewriter = self

        class Substitute(ast.NodeTransformer):
            def visit(self, child):
                if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) \
                        and child.func.id in rewriter.forward.helpers and child.func.id not in rewriter.aliases \
                        and any(isinstance(rewriter.resolve(a), (_Node, _Leaf))
                                for a in child.args + [k.value for k in child.keywords]):
                    return rewriter.inline(child)
                if isinstance(child, (ast.IfExp, ast.BoolOp, ast.Lambda)):  # evaluated lazily: no inlining
                    rewriter.lazy += 1
                    try:
                        return super().visit(child)
                    finally:
                        rewriter.lazy -= 1
                length = rewriter.length(child)
                if length is not None:
                    return ast.copy_location(ast.Constant(length), child)
                flat = rewriter.flattened(child)
                if flat is not None:
                    return flat
                if isinstance(child, ast.Attribute) and not (isinstance(child.value, ast.Name) and
                                                             child.value.id in rewriter.forward.helpers):
                    owner = rewriter.resolve(child.value)  # (seq.append(w): the list itself, not a copy of it)
                    if isinstance(owner, _Node) and owner.kind is not dict:
                        raise rewriter.error("a list of arrays is used whole here; backgen follows such lists "
                                             "through loops over them, indexing and len()", child.value)
                getting = isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute) and \
                    child.func.attr == "get"
                held = rewriter.resolve(child) if isinstance(child, (ast.Name, ast.Subscript)) or getting else None
                base = rewriter.resolve(child.func.value) if getting and held is None and len(child.args) == 2 \
                    else None
                if isinstance(base, _Node) and base.kind is dict:  # a key the dict lacks: the default
                    return self.visit(child.args[1])
                if isinstance(held, _Leaf):
                    return ast.copy_location(rewriter.load(held), child)
                if isinstance(held, _Node):
                    root = child
                    while isinstance(root, ast.Subscript):
                        root = root.value
                    if held.kind is not dict and all(id(leaf) in rewriter.integer_leaves for leaf in _leaves(held)):
                        return ast.copy_location(rewriter.display(held), child)  # (E[sent] of a sentence's ids)
                    if isinstance(root, ast.Name) and root.id in rewriter.number_lists:
                        raise rewriter.error(f"{root.id} is given a list of lists of numbers, used whole here: "
                                             "backgen reads such a list as a list of values (as params = [(W1, "
                                             "b1), ...]), through loops over it, indexing and len(); for "
                                             f"NumPy's meaning pass an array, np.array({root.id})", child)
                    if held.kind is dict and isinstance(child, ast.Name) and \
                            all(isinstance(c, _Leaf) for c in held.children):  # a dict of arrays put whole into a
                        # cache (cache = (a_next, a_prev, xt, parameters)): the dict of the same arrays, written out
                        return ast.copy_location(ast.Dict([ast.Constant(k) for k in held.keys],
                                                          [rewriter.load(c) for c in held.children]), child)
                    raise rewriter.error("a list of arrays is used whole here; backgen follows such lists through "
                                         "loops over them, indexing and len()", child)
                if isinstance(child, ast.Name) and isinstance(rewriter.aliases.get(child.id), ast.Constant):
                    return ast.copy_location(tree_copy(rewriter.aliases[child.id]), child)
                return super().visit(child)

        return Substitute().visit(node)

    def inline(self, call):
        """A call of the user's function given part of a structured value: its body written here,
        its names made its own, its statements before the current one; the call becomes the value
        it returns."""
        name = call.func.id
        if self.lazy:
            raise self.error(f"{name}() is given a list of arrays inside a while test, a conditional expression "
                             "or and/or; call it in a statement of its own", call)
        helper = read_helper(self.forward, name)
        func = tree_copy(helper.func)
        body = func.body
        returns = [n for s in body for n in walk(s) if isinstance(n, ast.Return)]
        if not body or not isinstance(body[-1], ast.Return) or len(returns) != 1 or body[-1].value is None:
            raise self.error(f"{name}() is given a list of arrays, so backgen writes its body out here, which "
                             "needs a single return at its end", call)
        params = [a.arg for a in func.args.args]
        if func.args.vararg or func.args.kwarg or func.args.kwonlyargs:
            raise self.error(f"{name}() takes *args, **kwargs or keyword-only parameters, which backgen does "
                             "not follow when it is given a list of arrays", call)
        given = dict(zip(params, call.args))
        given.update({k.arg: k.value for k in call.keywords})
        defaults = dict(zip(params[len(params) - len(func.args.defaults):], func.args.defaults))
        if len(call.args) > len(params) or set(given) - set(params) or set(params) - set(given) - set(defaults):
            raise self.error(f"this call does not match the parameters of {name}(){inlined_note(helper)}", call)
        local = set(params) | _stored(body)
        renamed = {}
        for n in sorted(local):
            candidate, k = n, 2
            while candidate in self.taken:  # the caller's inputs stays inputs, the helper's is inputs2
                candidate, k = f"{n}{k}", k + 1
            renamed[n] = candidate
            self.taken.add(candidate)
        for node in walk(func):
            if isinstance(node, ast.Name) and node.id in renamed:
                node.id = renamed[node.id]
        for n, value in helper.helpers.items():  # the functions it calls (its own nested ones too)
            self.forward.helpers.setdefault(n, value)
        read = names_of(func) - local - set(renamed.values())
        for names, own in ((self.forward.env, helper.env), (self.forward.constants, helper.constants)):
            for n in sorted(read & set(own)):  # what its module's names mean (np, EPS), which the caller's
                if names.get(n, own[n]) != own[n]:  # module may not name (a function read from its module)
                    raise self.error(f"{name}() is given a list of arrays, so backgen writes its body out here, "
                                     f"where {n} means something else than in {name}()", call)
                names[n] = own[n]
        prelude = []
        for p in params:
            value = given.get(p, defaults.get(p))
            held = self.resolve(value)
            if isinstance(held, (_Node, _Leaf)):
                self.aliases[renamed[p]] = held
            else:
                prelude.append(ast.copy_location(
                    ast.Assign([ast.Name(renamed[p], ast.Store())], self.expression(tree_copy(value))), call))
        self.prelude += prelude
        for stmt in body[:-1]:
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                continue  # its docstring
            lines = self.statement(stmt)
            self.prelude += lines
        return self.expression(body[-1].value)

    def expressions_of(self, stmt):
        for field, value in ast.iter_fields(stmt):
            if isinstance(value, ast.expr) and not (field == "target" or field == "targets"):
                setattr(stmt, field, self.expression(value))
            elif field == "targets":
                stmt.targets = [self.target(t) for t in value]
            elif field == "target":
                stmt.target = self.target(value)
        return stmt

    def target(self, node):
        """An assignment's target: its names are bound (a name holding an entry is given something
        else, the entry is not), what it writes into (``W[0]``, ``params['W']``) is read."""
        if isinstance(node, ast.Name):
            return node
        if isinstance(node, (ast.Tuple, ast.List)):
            node.elts = [self.target(e) for e in node.elts]
            return node
        if isinstance(node, ast.Starred):
            node.value = self.target(node.value)
            return node
        return self.expression(node)


def candidates(func):
    """Parameters the code iterates, indexes, takes len() of, flattens (autograd's ``flatten(params)``) or
    reads the items, keys or values of (``params.items()``): they may be lists or dicts of arrays."""
    params = {a.arg for a in func.args.args}
    found = set()
    for node in walk(func):
        if isinstance(node, ast.For) and isinstance(node.iter, ast.Name):
            found.add(node.iter.id)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr in ("items", "keys", "values") and isinstance(node.func.value, ast.Name) \
                and not node.args and not node.keywords:
            found.add(node.func.value.id)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id in ("len", "enumerate", "zip", "flatten", "ravel_pytree"):  # (autograd's, JAX's)
            found |= {a.id for a in node.args if isinstance(a, ast.Name)}
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            found.add(node.value.id)
    return found & params


def iterated(func, helper=False):
    """Parameters the code iterates (``for W in Ws``, ``zip(Ws, bs)``, ``enumerate``, a slice of one
    ``for W in Ws[:-1]``, ``for k in range(len(Ws))`` reading ``Ws[k]``, as ``zip`` is desugared, ``while i <
    len(Ws)`` reading ``Ws[i]``) or unpacks
    (``W1, b1, W2, b2 = params``, ``W, b = params[k]``) or names items of by their places (``W1 =
    params[0]``, ``b1 = params[1]``), or, of a ``helper``, returns an item of (``return params[i]``: its
    caller unpacks it, ``W, b = get(params, 0)``, or reads it otherwise), in order: code written without
    shapes takes each for one array, or for a list of arrays of several shapes where it reads it only by
    its items (``item_lists``)."""
    params = [a.arg for a in func.args.args]
    found = {item_returned(func)} if helper else set()
    nodes = list(of_kinds(parts_list(func), _ITERATING))  # (walked once, read three times)

    def named(node):  # Ws, or a slice of it (for W in Ws[:-1])
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            node = node.value
        return node.id if isinstance(node, ast.Name) else None
    sliced = {node.targets[0].id: named(node.value) for node in nodes if isinstance(node, ast.Assign)
              and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and named(node.value)}
    for node in nodes:
        if isinstance(node, (ast.For, ast.comprehension)) and named(node.iter):
            found.add(named(node.iter))
        elif isinstance(node, ast.For) and isinstance(node.target, ast.Name) and isinstance(node.iter, ast.Call) \
                and getattr(node.iter.func, "id", None) == "range" or isinstance(node, ast.While):
            # for k in range(len(Ws)): ... Ws[k] (zip as desugared), while i < len(Ws): ... Ws[i]
            counted = {sliced.get(n.args[0].id, n.args[0].id) for n in walk(node.iter if isinstance(node, ast.For)
                                                                             else node.test)
                       if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "len" and n.args
                       and isinstance(n.args[0], ast.Name)}
            counter = node.target.id if isinstance(node, ast.For) else None
            at_counter = {sliced.get(n.value.id, n.value.id) for stmt in node.body for n in walk(stmt)
                          if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name) and
                          isinstance(n.slice, ast.Name) and n.slice.id == (counter or n.slice.id)}
            found |= at_counter & counted
            if counter is not None and (at_counter & counted or counted & set(params)):  # (Ws[l] and bs[l] of
                found |= at_counter & set(params)  # range(len(Ws)): the items of lists zipped, as zip(Ws, bs) reads)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("zip", "enumerate"):
            found |= {named(a) for a in node.args if named(a)}
        elif isinstance(node, ast.Assign) and any(isinstance(t, (ast.Tuple, ast.List)) for t in node.targets):
            value = node.value.value if isinstance(node.value, ast.Subscript) else node.value  # (W, b = params[k]:
            if isinstance(value, ast.Name):  # a helper's for W, b in params as desugared)
                found.add(value.id)
    found |= _items_by_place(func, nodes)
    return tuple(p for p in params if p in found)


def _items_by_place(func, nodes):
    """Names whose items are read at two or more places written out, where the code names one
    (``W1 = params[0]``, ``b1 = params[1]``; ``W, b = params[0], params[-1]``; ``W1 = params[0][0]``;
    passed to a function of the module, not a builtin, ``mlp(x, params[0], params[1])``)
    or multiplies one as a matrix, which no number is (``X @ Ws[0]``, ``np.dot(h, Ws[1])``): the
    items of a list of arrays of several shapes, as a network's layers.  (A vector's numbers read
    where they are used, ``x[0] * x[1]``, are not.)"""
    places, named, multiplied = {}, set(), set()
    for target, value in (pair for node in nodes if isinstance(node, ast.Assign) and len(node.targets) == 1
                          for pair in _pairs(node.targets[0], node.value)):
        if isinstance(target, ast.Name) and _item(value) is not None:
            named.add(id(value))
    for node in nodes:  # (mlp(x, params[0], params[1]): the items bound to a function's parameters, named there)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id not in _BUILTINS:
            named |= {id(a) for a in list(node.args) + [k.value for k in node.keywords] if _item(a) is not None}
    for node in walk(func):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and _item(node) is not None:
            name, place = _item(node)
            places.setdefault(name, {})[place] = places.get(name, {}).get(place, False) or id(node) in named
        operands = []
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            operands = [node.left, node.right]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("dot", "matmul"):
            operands = list(node.args) + ([node.func.value] if node.func.attr == "dot" else [])
        multiplied |= {_item(o)[0] for o in operands if _item(o) is not None}
    return {name for name, read in places.items() if len(read) > 1 and (any(read.values()) or name in multiplied)}


def _item(node):
    """``(name, place)`` where ``node`` reads ``name[place]`` at an integer written out (``params[0]``,
    ``params[-1]``), or an item of it in turn (``params[0][1]``), else None."""
    if not isinstance(node, ast.Subscript) or _place(node.slice) is None:
        return None
    if isinstance(node.value, ast.Name):
        return node.value.id, _place(node.slice)
    return _item(node.value)


def _place(index):
    """The integer an index written out is (``0``, ``-1``), else None."""
    if isinstance(index, ast.UnaryOp) and isinstance(index.op, ast.USub):
        inner = _place(index.operand)
        return None if inner is None else -inner
    return index.value if isinstance(index, ast.Constant) and type(index.value) is int else None


def _pairs(target, value):
    """The (target, value) pairs an assignment binds: itself, or a tuple of names given a tuple written
    out of as many values, each to its own (``W, b = params[0], params[1]``)."""
    if isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List)) and \
            len(target.elts) == len(value.elts) and not any(isinstance(e, ast.Starred) for e in target.elts + value.elts):
        return list(zip(target.elts, value.elts))
    return [(target, value)]


_ITERATING = frozenset({ast.For, ast.comprehension, ast.While, ast.Call, ast.Assign})  # (what iterated reads)
_BUILTINS = frozenset(dir(builtins))  # (float(x[0]), abs(v[1]): a builtin's argument is no parameter named)


def item_returned(func):
    """The parameter an item of which is what ``func`` returns, at each of its returns (``return
    params[i]``: a helper picking a layer), else None."""
    params = {a.arg for a in func.args.args}
    found = set()
    for node in walk(func):
        if isinstance(node, ast.Return):
            value = node.value
            if not (isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name)
                    and value.value.id in params and not isinstance(value.slice, (ast.Slice, ast.Tuple))):
                return None
            found.add(value.value.id)
    return found.pop() if len(found) == 1 else None


def read_as_sequences(func):
    """Parameters the code only indexes, iterates, takes len() of or passes to NumPy (``np.sum(xs)``):
    a list of numbers given for one behaves as the array of those numbers."""
    params = {a.arg for a in func.args.args}
    parents = {id(child): node for node in walk(func) for child in ast.iter_child_nodes(node)}
    found, other = set(), set()
    for node in walk(func):
        if not (isinstance(node, ast.Name) and node.id in params):
            continue
        parent = parents.get(id(node))
        if isinstance(node.ctx, ast.Load) and (
                isinstance(parent, ast.Subscript) and parent.value is node and isinstance(parent.ctx, ast.Load)
                and not any(isinstance(n, ast.Slice) for n in walk(parent.slice))  # (a list's slice: a copy)
                or isinstance(parent, (ast.For, ast.comprehension)) and parent.iter is node
                or isinstance(parent, ast.Call) and node in parent.args and (
                    isinstance(parent.func, ast.Name) and parent.func.id in ("len", "enumerate", "zip", "reversed")
                    or isinstance(parent.func, ast.Attribute) and isinstance(parent.func.value, ast.Name))):
            found.add(node.id)
        elif not isinstance(parent, ast.arguments):
            other.add(node.id)
    return found - other


def _mutated(stmts):
    """Names whose attributes are used (``xs.append(v)``): their length may change (not by the tests of
    strings, ``k.startswith("W")``, which change nothing)."""
    return {n.value.id for s in stmts for n in walk(s) if isinstance(n, ast.Attribute)
            and isinstance(n.value, ast.Name) and n.attr not in _STRING_TESTS}
