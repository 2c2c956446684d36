"""NumPy's reshapes in Fortran order, written as the reshapes in C order they are.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each reshape that reads and
writes its elements in Fortran order (``order='F'``, by keyword or, where NumPy takes it so, by
position) with the same reshape in C order, NumPy's default, of the array with its axes reversed,
the result's axes reversed back: ``x.reshape(s, order='F')`` is ``x.T.reshape(s[::-1]).T``,
``x.ravel('F')`` and ``x.flatten('F')`` are ``x.T.ravel()`` and ``x.T.flatten()`` (the ravel of a
transpose copies where NumPy's does, and gives a view where it does); ``np.reshape(a, s, order='F')`` is
``np.transpose(np.reshape(np.transpose(a), s[::-1]))`` and ``np.ravel(a, 'F')`` is
``np.ravel(np.transpose(a))``, whose gradients the rules of their parts give.  The new shape is
reversed where it is written out (a number, ``-1``; a tuple or list of sizes; sizes given to the
method one by one); another (a name, ``x.shape[::-1]``), and order ``'A'``, are left as they are (and
refused there).  The array, moved inside, is an expression without side effects, as arguments are.
"""

import ast

from .source import number, numpy_attribute, tree_copy, walk

SPELLED = frozenset({"reshape", "ravel", "flatten"})  # (parse runs this rewriter only where the function
# spells one)
_FORTRAN = "F"


def rewrite(forward):
    numpy_names = {name for name, meaning in forward.env.items() if meaning == "numpy"}

    class Calls(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            func = node.func
            if not isinstance(func, ast.Attribute) or func.attr not in SPELLED or \
                    any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
                return node
            found = numpy_attribute(func, numpy_names)
            if found is not None:
                new = _function(found[0], found[1], node)
            elif isinstance(func.value, ast.Name) and func.value.id in numpy_names:
                return node  # (np.flatten: none)
            else:
                new = _method(func, node)
            if new is None:
                return node
            for sub in walk(new):
                ast.copy_location(sub, node)
            return new
    Calls().visit(forward.func)


def _fortran(value):
    return isinstance(value, ast.Constant) and value.value == _FORTRAN


def _reversed(shape):
    """The sizes of the new shape ``shape`` (a tree) reversed, or None where they are not written out."""
    if isinstance(shape, (ast.Tuple, ast.List)):
        if any(isinstance(e, ast.Starred) for e in shape.elts):
            return None
        return ast.Tuple([tree_copy(e) for e in reversed(shape.elts)], ast.Load())
    if type(number(shape)) is int:
        return tree_copy(shape)
    return None


def _transposed(value):
    return ast.Attribute(tree_copy(value), "T", ast.Load())


def _method(func, node):
    """``x.reshape(..., order='F')``, ``x.ravel('F')``, ``x.flatten('F')``: in C order, of ``x.T``."""
    keywords = {k.arg: k.value for k in node.keywords}
    if func.attr == "reshape":
        if set(keywords) != {"order"} or not _fortran(keywords["order"]) or not node.args:
            return None
        if len(node.args) == 1:
            shape = _reversed(node.args[0])
            if shape is None:
                return None
            args = [shape]
        else:
            if any(type(number(a)) is not int and not isinstance(a, (ast.Name, ast.Subscript, ast.Attribute,
                                                                     ast.BinOp)) for a in node.args):
                return None
            args = [tree_copy(a) for a in reversed(node.args)]
        reshaped = ast.Call(ast.Attribute(_transposed(func.value), "reshape", ast.Load()), args, [])
        return ast.Attribute(reshaped, "T", ast.Load())
    order = node.args[0] if len(node.args) == 1 and not keywords else \
        keywords.get("order") if not node.args and set(keywords) == {"order"} else None
    if order is None or not _fortran(order):
        return None
    return ast.Call(ast.Attribute(_transposed(func.value), func.attr, ast.Load()), [], [])


def _function(np_, name, node):
    """``np.reshape(a, s, order='F')``, ``np.ravel(a, 'F')``: in C order, of ``np.transpose(a)``."""
    if name not in ("reshape", "ravel"):
        return None
    params = ("a", "shape", "order") if name == "reshape" else ("a", "order")
    if len(node.args) > len(params):
        return None
    given = dict(zip(params, node.args))
    for keyword in node.keywords:
        arg = "shape" if keyword.arg == "newshape" else keyword.arg
        if arg not in params or arg in given:
            return None
        given[arg] = keyword.value
    if "a" not in given or not _fortran(given.get("order")):
        return None

    def call(what, args):
        return ast.Call(ast.Attribute(ast.Name(np_, ast.Load()), what, ast.Load()), args, [])
    transposed = call("transpose", [tree_copy(given["a"])])
    if name == "ravel":
        return call("ravel", [transposed])
    shape = _reversed(given["shape"]) if "shape" in given else None
    if shape is None:
        return None
    return call("transpose", [call("reshape", [transposed, shape])])
