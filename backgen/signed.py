"""A function of ``|z|`` that is 0 at 0, given the sign of ``z``, read so that its derivative at 0 is right.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each product ``np.sign(z) * h``
(either operand first) whose ``h`` reads ``z`` only as ``np.abs(z)`` and is 0 where that is 0 by its
form (``np.log1p(c * a)``, ``np.log(a + 1)``, ``np.sqrt(a + 1) - 1``, ``np.expm1(a)``, ``np.exp(a) - 1``,
``a ** p`` of a number ``p >= 1`` written, ``np.tanh(a)``, ``c * a``, ``a / c``, sums of such, for
``a = np.abs(z)`` and ``c`` reading no ``z``), ``z`` an expression calling nothing but NumPy's
functions, by ``s * h'`` where ``s = np.where(z < 0, -1.0, 1.0)`` (a constant of the code: no gradient)
and ``h'`` is ``h`` with ``np.abs(z)`` read as ``s * z``: the same values (``s * z`` is ``|z|``, and at
``z = 0`` both are 0), whose derivative ``s * s * h'(|z|)`` is ``h'(|z|)`` at 0 too.  Written as it
was, the chain rule gives ``np.sign(0) ** 2 * h'(0) = 0`` where the function (odd, smooth: the
symmetric log ``np.sign(x) * np.log1p(np.abs(x))``, mu-law companding, MuZero's value transform) has
derivative ``h'(0)``.  Other products are left as written.

In ``np.where(z >= 0, a, b)`` (``z > 0``, ``z <= 0``, ``z < 0``, ``0 < z``...; ``z`` as above) the branch
taken at ``z = 0`` reads each ``np.abs(z)`` in it as ``np.where(z < 0, 0.0 - z, z)`` where it is also
taken for positive ``z`` (``np.where(z > 0, z, 0.0 - z)`` for negative), unless it takes a root or a
power: the same values, and at 0 the
derivative of ``|z|`` from the side the branch is taken on, not ``np.sign(0) = 0``.  The branch's
derivative at 0 is then its one-sided derivative, which is the function's where it has one: the stable
sigmoid ``np.where(x >= 0, 1 / (1 + np.exp(-np.abs(x))), ...)``, ``np.where(x > 0, x + np.log1p(np.exp(
-np.abs(x))), np.log1p(np.exp(-np.abs(x))))``.
"""

import ast

from .source import meaning_of, walk, tree_copy

SPELLED = frozenset({"sign", "abs", "absolute"})  # (parse runs this rewriter only where the function spells one)

_METHODS = frozenset({"dot", "sum", "mean", "reshape", "ravel", "flatten", "squeeze", "astype", "copy", "T"})
_ZERO_AT_ZERO = frozenset({"log1p", "expm1", "tanh", "sinh", "arcsinh", "arctan", "sin", "tan"})
_ROOTS = frozenset({"sqrt", "cbrt", "power", "float_power"})  # (of |z| at 0: an infinite derivative, which the
# rule of roots at their minimum gives as 0; left to it)


def rewrite(forward):
    meaning = forward.env.get

    def numpy_name(node):
        spelled = meaning_of(node.func, meaning) if node.__class__ is ast.Call and not node.keywords else None
        return spelled[6:] if spelled is not None and spelled.startswith("numpy.") else None

    def pure(node):
        for sub in walk(node):
            if isinstance(sub, (ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom, ast.Lambda, ast.Starred)):
                return False
            if sub.__class__ is ast.Call:
                spelled = meaning_of(sub.func, meaning)
                if not (spelled is not None and spelled.startswith("numpy.") or spelled is None and
                        isinstance(sub.func, ast.Attribute) and sub.func.attr in _METHODS):
                    return False
        return True

    def constant(node, value):
        return node.__class__ is ast.Constant and type(node.value) in (int, float) and node.value == value

    def positive(node):
        return node.__class__ is ast.Constant and type(node.value) in (int, float) and node.value >= 1

    def free(node, z):
        """``node`` reads nothing of ``z`` (no name ``z`` reads), and is pure."""
        names = {n.id for n in walk(z) if n.__class__ is ast.Name}
        return pure(node) and not any(n.__class__ is ast.Name and n.id in names for n in walk(node))

    def is_abs(node, z):
        return numpy_name(node) in ("abs", "absolute") and len(node.args) == 1 and \
            ast.dump(node.args[0]) == ast.dump(z)

    def zero(node, z):
        """``node`` is 0 where ``|z|`` is, by its form, and reads ``z`` only as ``np.abs(z)``."""
        if is_abs(node, z):
            return True
        kind = node.__class__
        if kind is ast.BinOp:
            op, left, right = node.op.__class__, node.left, node.right
            if op in (ast.Add, ast.Sub):
                if zero(left, z) and zero(right, z):
                    return True
                return op is ast.Sub and constant(right, 1) and one(left, z)
            if op is ast.Mult:
                return zero(left, z) and (free(right, z) or zero(right, z)) or zero(right, z) and free(left, z)
            if op is ast.Div:
                return zero(left, z) and free(right, z)
            if op is ast.Pow:
                return zero(left, z) and positive(right)
            return False
        if kind is ast.Call:
            name = numpy_name(node)
            if name in _ZERO_AT_ZERO and len(node.args) == 1:
                return zero(node.args[0], z)
            if name == "log" and len(node.args) == 1:
                return one(node.args[0], z)
        return False

    def one(node, z):
        """``node`` is 1 where ``|z|`` is 0, by its form."""
        if node.__class__ is ast.BinOp and node.op.__class__ is ast.Add:
            return constant(node.left, 1) and zero(node.right, z) or constant(node.right, 1) and zero(node.left, z)
        name = numpy_name(node) if node.__class__ is ast.Call else None
        if name == "exp" and len(node.args) == 1:
            return zero(node.args[0], z)
        if name == "sqrt" and len(node.args) == 1:
            return one(node.args[0], z)
        return False

    def signed(node):
        """``(z, sign call, h)`` of ``np.sign(z) * h`` or ``h * np.sign(z)`` as the module doc says."""
        if node.__class__ is not ast.BinOp or node.op.__class__ is not ast.Mult:
            return None
        for sign, h in ((node.left, node.right), (node.right, node.left)):
            if numpy_name(sign) == "sign" and len(sign.args) == 1 and isinstance(sign.func, ast.Attribute):
                z = sign.args[0]
                if pure(z) and zero(h, z):  # (zero's forms read z only as np.abs(z))
                    return z, sign, h
        return None

    class Products(ast.NodeTransformer):
        def visit_BinOp(self, node):
            self.generic_visit(node)
            found = signed(node)
            if found is None:
                return node
            z, sign, h = found
            numpy = sign.func.value

            def s():
                return ast.Call(ast.Attribute(tree_copy(numpy), "where", ast.Load()),
                                [ast.Compare(tree_copy(z), [ast.Lt()], [ast.Constant(0)]),
                                 ast.UnaryOp(ast.USub(), ast.Constant(1.0)), ast.Constant(1.0)], [])

            class Absolute(ast.NodeTransformer):
                def visit_Call(self, call):
                    if is_abs(call, z):
                        return ast.BinOp(s(), ast.Mult(), tree_copy(z))
                    self.generic_visit(call)
                    return call
            new = ast.BinOp(s(), ast.Mult(), Absolute().visit(tree_copy(h)))
            for sub in walk(new):
                ast.copy_location(sub, node)
            return new

    Products().visit(forward.func)

    def side(test):
        """``(z, which branch is taken at z = 0, +1 or -1: the other sign of z it is taken for)`` of a test
        comparing a value ``z`` with 0 (``z >= 0``, ``0 < z``...), else None."""
        if test.__class__ is not ast.Compare or len(test.ops) != 1:
            return None
        op, left, right = test.ops[0].__class__, test.left, test.comparators[0]
        flipped = {ast.Gt: ast.Lt, ast.GtE: ast.LtE, ast.Lt: ast.Gt, ast.LtE: ast.GtE}
        if constant(left, 0) and op in flipped:
            op, left, right = flipped[op], right, left
        if not constant(right, 0) or op not in flipped or not pure(left):
            return None
        return left, {ast.GtE: (1, 1), ast.Gt: (2, -1), ast.LtE: (1, -1), ast.Lt: (2, 1)}[op]

    class Branches(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            found = side(node.args[0]) if numpy_name(node) == "where" and len(node.args) == 3 and \
                isinstance(node.func, ast.Attribute) else None
            if found is None:
                return node
            z, (branch, sign) = found
            numpy = node.func.value
            if any(sub.__class__ is ast.BinOp and sub.op.__class__ is ast.Pow or numpy_name(sub) in _ROOTS
                   for sub in walk(node.args[branch])):
                return node  # (a root of |z|: left to the rule of roots at their minimum)

            class Absolute(ast.NodeTransformer):
                def visit_Call(self, call):
                    if not is_abs(call, z):
                        self.generic_visit(call)
                        return call
                    negated = ast.BinOp(ast.Constant(0.0), ast.Sub(), tree_copy(z))
                    test = ast.Compare(tree_copy(z), [ast.Lt() if sign > 0 else ast.Gt()], [ast.Constant(0)])
                    new = ast.Call(ast.Attribute(tree_copy(numpy), "where", ast.Load()),
                                   [test, negated, tree_copy(z)] if sign > 0 else [test, tree_copy(z), negated],
                                   [])
                    for sub in walk(new):
                        ast.copy_location(sub, call)
                    return new
            node.args[branch] = Absolute().visit(node.args[branch])
            return node

    Branches().visit(forward.func)
