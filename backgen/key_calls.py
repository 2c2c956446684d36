"""``max(xs, key=k)``, ``min(xs, key=k)`` and ``sorted(xs, key=k)``: the items the keys choose, picked by
the index NumPy gives for the keys.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each call of the builtin ``max`` or
``min`` (a name the module does not bind otherwise) given ``key=`` and no other keyword, of one iterable or
of several items, and each call of the builtin ``sorted`` given ``key=`` (and maybe ``reverse=True`` or
``False`` written out), in a module that imports NumPy:

* ``max(xs, key=k)`` by ``list(xs)[int(np.argmax(np.reshape([k(item) for item in xs], len(xs))))]``: the
  first item of the largest key, as ``max`` returns it; ``min`` by ``np.argmin``, the first of the least;
* ``sorted(xs, key=k)`` by ``[list(xs)[i] for i in np.argsort(np.reshape(keys, len(xs)), kind="stable")]``:
  items of equal keys in their order, as Python's sort is stable; ``reverse=True`` by the keys negated,
  stable as Python's reversed sort is.

``list(xs)`` is what the builtins iterate (a dict's keys, an array's rows). A lambda key is its body over the
comprehension (``key=lambda r: r.sum()``: ``[r.sum() for r in xs]``); any other key is called on each item,
where it names a function of the module, a builtin or a library's (a variable of the function is left as it
is). The keys are numbers: the reshape to one number per item raises where a key is something else (a tuple,
compared item by item by the builtins), refused where the code is staged. The items are a name (the same value
at each of its reads), a list or tuple display or a list comprehension (written twice: both compute the same
items), a generator expression (written as that list comprehension), or several items given apart (``max(a, b,
key=k)``: their list display); any other iterable, a ``default=``, or a key given a lambda of defaults, is
left as it is (and refused). The gradient of the item chosen goes back to where it came from; the keys, which
choose, carry none.
"""

import ast

from .source import OwnTransformer, fresh_names, module_calls, tree_copy, walk

SPELLED = frozenset({"key"})  # (parse runs this rewriter only where the function spells a key= keyword)


def rewrite(forward):
    if any(forward.env.get(n, n) != n or n in forward.helpers for n in ("max", "min", "sorted", "list", "len",
                                                                        "int")):
        return  # (a builtin bound to something else: left as it is)
    calls = module_calls(forward.env, "numpy", ("argmax",))
    if calls is None or not calls[1]:
        return  # (no NumPy in the module: left as it is, and refused)
    np_name = calls[1][0]
    func = forward.func
    taken = {n.id for n in walk(func) if isinstance(n, ast.Name)} | {a.arg for a in walk(func)
                                                                      if isinstance(a, ast.arg)}
    local = {n.id for n in walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)} | \
        {a.arg for a in walk(func) if isinstance(a, ast.arg)}
    fresh = fresh_names(set(taken), bare=True)

    def named_function(node):
        """Whether ``node`` names a function of the module, a builtin or a library's (``score``, ``abs``,
        ``np.abs``), not a variable of the function (a key Python would call, if it could)."""
        root = node
        while isinstance(root, ast.Attribute):
            root = root.value
        if not isinstance(root, ast.Name) or root.id in local:
            return False
        meaning = forward.env.get(root.id)
        if meaning is None:  # (a function of the module's)
            return node is root and root.id in forward.helpers
        return node is not root or "." in meaning or meaning == root.id  # (np.abs; expit imported; abs)

    def np_call(attr, *args, **keywords):
        return ast.Call(ast.Attribute(ast.Name(np_name, ast.Load()), attr, ast.Load()), list(args),
                        [ast.keyword(k, v) for k, v in keywords.items()])

    def builtin(name, *args):
        return ast.Call(ast.Name(name, ast.Load()), list(args), [])

    class Keyed(OwnTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            if not isinstance(node.func, ast.Name) or node.func.id not in ("max", "min", "sorted"):
                return node
            named = {k.arg: k.value for k in node.keywords}
            if "key" not in named or None in named or any(isinstance(a, ast.Starred) for a in node.args):
                return node
            reverse = named.pop("reverse", ast.Constant(False)) if node.func.id == "sorted" else ast.Constant(False)
            if set(named) != {"key"} or not isinstance(reverse, ast.Constant) or type(reverse.value) is not bool:
                return node
            if node.func.id == "sorted" and len(node.args) != 1 or not node.args:
                return node
            items = _items(node.args[0]) if len(node.args) == 1 else ast.List(list(node.args), ast.Load())
            key = _key(named["key"], named_function)
            if items is None or key is None:
                return node
            variable, value = key(fresh("item"))
            keys = ast.ListComp(value, [ast.comprehension(ast.Name(variable, ast.Store()), items, [], 0)])
            count = builtin("len", tree_copy(items))
            keys = np_call("reshape", keys, count)
            listed = items if isinstance(items, (ast.List, ast.ListComp)) else builtin("list", tree_copy(items))
            if node.func.id == "sorted":
                if reverse.value:
                    keys = ast.UnaryOp(ast.USub(), keys)
                index = fresh("i")
                order = np_call("argsort", keys, kind=ast.Constant("stable"))
                made = ast.ListComp(ast.Subscript(tree_copy(listed), ast.Name(index, ast.Load()), ast.Load()),
                                    [ast.comprehension(ast.Name(index, ast.Store()), order, [], 0)])
            else:
                chosen = builtin("int", np_call("argmax" if node.func.id == "max" else "argmin", keys))
                made = ast.Subscript(tree_copy(listed), chosen, ast.Load())
            for sub in walk(made):
                ast.copy_location(sub, node)
            return ast.fix_missing_locations(made)

    Keyed(func).visit(func)  # (a nested function's own names: left to its own reading)


def _items(node):
    """The items ``node`` iterates, as an expression to write twice, or None (see the module's contract)."""
    if isinstance(node, (ast.Name, ast.List, ast.Tuple, ast.ListComp)):
        return node
    if isinstance(node, ast.GeneratorExp):
        return ast.copy_location(ast.ListComp(node.elt, node.generators), node)
    return None


def _key(node, named_function):
    """``make(variable) -> (the comprehension's variable, the key of it)`` for the key function ``node``, or
    None where it is a lambda other than of one plain parameter, or a name or attribute ``named_function``
    does not take for a function."""
    if isinstance(node, ast.Lambda):
        args = node.args
        if len(args.args) != 1 or args.posonlyargs or args.kwonlyargs or args.vararg or args.kwarg or \
                args.defaults:
            return None
        return lambda _: (args.args[0].arg, tree_copy(node.body))  # (its parameter, the comprehension's own)
    if isinstance(node, (ast.Name, ast.Attribute)) and named_function(node):
        return lambda variable: (variable, ast.Call(tree_copy(node), [ast.Name(variable, ast.Load())], []))
    return None
