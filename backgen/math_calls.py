"""Calls of ``math`` with no rule of their own, written as the arithmetic they compute.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each
call of a function the environment binds to ``math``:

* ``math.fsum(xs)`` becomes ``sum(xs)``: the same sum (fsum's only rounds once);
* ``math.hypot(a, b, c, ...)`` of other than two arguments becomes
  ``math.hypot(math.hypot(a, b), c) ...`` (one, ``math.hypot(a, 0.0)``): the
  rule of two, whose gradient at 0 is 0 (a square root's would divide by 0);
* ``math.dist(p, q)`` of two points written out as tuples or lists of the same
  length becomes ``math.hypot(p0 - q0, p1 - q1) ...`` so too, a point a local bound
  once to a tuple or list written out whose length nothing changes (``p1 = (x1, y1)``,
  ``starred.fixed_sizes``) read as its items written out (``[p1[0], p1[1]]``); of
  other points it is left as it is (and refused: their length is not known);
* ``math.ldexp(x, i)`` becomes ``x * 2.0 ** i`` and ``math.modf(x)`` the pair
  ``(x - int(x), float(int(x)))``: the same numbers, exactly (``int`` truncates as
  ``math.trunc`` does, and takes a NumPy float32 too, which ``math.trunc`` does not);
* ``math.prod(xs)`` (``start=s``) in a statement (an ``if``'s test, a ``for``'s
  sequence) becomes the loop computing it just before that statement,
  ``prod = 1`` (``s``), ``for item in xs: prod = prod * item``, and the call its
  name: the same products, in the same order.  One in a ``while`` test, a
  comprehension, a lambda, or a statement with a conditional part (``a if c else b``,
  ``and``, ``or``) or a call that may change a list (``xs.pop()``, a function of the
  module) is left as it is (and refused).
"""

import ast

from .source import module_calls, name_ids, rewrite_statements, walk, tree_copy
from .starred import fixed_sizes
SPELLED = frozenset({"fsum", "hypot", "dist", "ldexp", "modf", "prod"})  # (parse runs this rewriter only where the function spells one)


class PairItems(ast.NodeTransformer):
    """A rewriter of calls into pairs written out (a tuple marked ``pair``: ``math.modf(x)``, ``divmod(a,
    b)``), which reads an item of one (``math.modf(x)[0]``) as that item itself."""

    def visit_Subscript(self, node):
        self.generic_visit(node)
        if getattr(node.value, "pair", False) and isinstance(node.slice, ast.Constant) and \
                node.slice.value in (0, 1, -1, -2) and isinstance(node.ctx, ast.Load):
            return node.value.elts[node.slice.value]
        return node


def rewrite(forward):
    _products(forward)
    calls = module_calls(forward.env, "math", ("fsum", "hypot", "dist", "ldexp", "modf"))
    if calls is None:
        return
    which, math_names = calls
    points = [arg for node in walk(forward.func) if isinstance(node, ast.Call) and which(node.func) == "dist"
              for arg in node.args if isinstance(arg, ast.Name)]
    sizes = fixed_sizes(forward.func, {id(arg) for arg in points}) if points else {}

    def written(point):
        """A point a local holds of a length known, as its items written out (``[p[0], p[1]]``)."""
        if not (isinstance(point, ast.Name) and point.id in sizes):
            return point
        items = [ast.Subscript(ast.Name(point.id, ast.Load()), ast.Constant(k), ast.Load())
                 for k in range(sizes[point.id])]
        return ast.List(items, ast.Load())

    def hypot_of(terms):
        """``math.hypot`` of two numbers at a time: ``math.hypot(math.hypot(a, b), c)``."""
        if math_names:
            module = sorted(math_names)[0]
        else:
            module = forward.env["math"] = "math"  # (a name for math in the generated module)
        terms = terms if len(terms) > 1 else terms + [ast.Constant(0.0)]
        out = terms[0]
        for term in terms[1:]:
            out = ast.Call(ast.Attribute(ast.Name(module, ast.Load()), "hypot", ast.Load()), [out, term], [])
        return out

    class Calls(PairItems):
        def visit_Call(self, node):
            self.generic_visit(node)
            name = which(node.func)
            if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
                return node
            if name == "fsum" and len(node.args) == 1:
                new = ast.Call(ast.Name("sum", ast.Load()), node.args, [])
                forward.env.setdefault("sum", "sum")
            elif name == "hypot" and len(node.args) not in (0, 2):
                new = hypot_of(list(node.args))
            elif name == "ldexp" and len(node.args) == 2:  # x * 2 ** i, exactly
                new = ast.BinOp(node.args[0], ast.Mult(), ast.BinOp(ast.Constant(2.0), ast.Pow(), node.args[1]))
            elif name == "modf" and len(node.args) == 1:  # (x - trunc(x), trunc(x)), exactly
                whole = ast.Call(ast.Name("int", ast.Load()), [node.args[0]], [])  # (math.trunc takes no float32)
                new = ast.Tuple([ast.BinOp(tree_copy(node.args[0]), ast.Sub(), whole),
                                 ast.Call(ast.Name("float", ast.Load()), [tree_copy(whole)], [])], ast.Load())
                new.pair = True  # (math.modf(x)[0]: the item itself, below)
            elif name == "dist" and len(node.args) == 2 and \
                    all(isinstance(written(a), (ast.Tuple, ast.List)) for a in node.args) and \
                    len(written(node.args[0]).elts) == len(written(node.args[1]).elts) > 0:
                first, second = written(node.args[0]), written(node.args[1])
                new = hypot_of([ast.BinOp(p, ast.Sub(), q) for p, q in zip(first.elts, second.elts)])
            else:
                return node
            for sub in walk(new):
                ast.copy_location(sub, node)
            return new
    Calls().visit(forward.func)


_CHANGING = frozenset({"pop", "append", "extend", "insert", "remove", "sort", "reverse", "clear", "update",
                       "setdefault", "popitem"})  # (methods changing a list or a dict in place)


def _products(forward):
    """Each ``math.prod`` call of a statement computed by a loop just before it (see the module doc)."""
    calls = module_calls(forward.env, "math", ("prod",))
    if calls is None:
        return
    which, _ = calls
    used = name_ids(forward.func) | {a.arg for a in walk(forward.func.args) if isinstance(a, ast.arg)}

    def fresh(base):
        name, k = base, 1
        while name in used:
            k += 1
            name = f"{base}{k}"
        used.add(name)
        return name

    def parts(stmt):
        """The expressions of ``stmt`` evaluated once, before any block of it runs."""
        if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Expr)):
            return [stmt]
        if isinstance(stmt, ast.If):
            return [stmt.test]
        if isinstance(stmt, ast.For):
            return [stmt.iter]
        return []

    def each(stmt):
        before = []
        if any(isinstance(n, (ast.IfExp, ast.BoolOp, ast.NamedExpr)) or isinstance(n, ast.Call) and (
                isinstance(n.func, ast.Attribute) and n.func.attr in _CHANGING or
                isinstance(n.func, ast.Name) and n.func.id in forward.helpers) for part in parts(stmt)
               for n in walk(part)):
            return [stmt]  # (computed first, the product could read what the statement changes or never
            # computes: left as it is, and refused)

        class Products(ast.NodeTransformer):
            def visit_Lambda(self, node):
                return node  # (evaluated elsewhere, or many times)

            visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_Lambda

            def visit_Call(self, node):
                self.generic_visit(node)
                start = [k.value for k in node.keywords if k.arg == "start"]
                if which(node.func) != "prod" or len(node.args) != 1 or len(start) != len(node.keywords) or \
                        isinstance(node.args[0], ast.Starred):
                    return node
                items = node.args[0]
                if isinstance(items, ast.GeneratorExp):  # (a list the loop reads, built before it)
                    items = ast.ListComp(items.elt, items.generators)
                product, item = fresh("prod"), fresh("item")
                lines = [ast.Assign([ast.Name(product, ast.Store())], start[0] if start else ast.Constant(1)),
                         ast.For(ast.Name(item, ast.Store()), items, [ast.Assign(
                             [ast.Name(product, ast.Store())],
                             ast.BinOp(ast.Name(product, ast.Load()), ast.Mult(), ast.Name(item, ast.Load())))], [])]
                for line in lines:
                    for sub in walk(line):
                        ast.copy_location(sub, node)
                        if isinstance(sub, ast.stmt):
                            sub.end_lineno, sub.end_col_offset = node.end_lineno, node.end_col_offset
                before.extend(lines)
                return ast.copy_location(ast.Name(product, ast.Load()), node)
        for part in parts(stmt):
            if isinstance(stmt, (ast.If, ast.For)):
                new = Products().visit(part)
                if isinstance(stmt, ast.If):
                    stmt.test = new
                else:
                    stmt.iter = new
            else:
                Products().visit(part)
        return before + [stmt]
    forward.func.body = rewrite_statements(forward.func.body, each)
