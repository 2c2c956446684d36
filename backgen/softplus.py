"""The numerically stable softplus as people write it, read as the ``np.logaddexp`` it computes.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each sum (a chain of ``+``
and ``-``) holding, with the same sign, a term ``np.maximum(z, 0)`` (``np.maximum(0, z)``,
``np.clip(z, 0, None)``) and a term ``np.log1p(np.exp(-np.abs(z)))`` (``np.log(1 + np.exp(-np.abs(z)))``,
``np.abs(-z)``, ``abs(z)`` too) of the same ``z`` (written alike, an expression calling nothing but NumPy's
functions and a few array methods), by that sum with ``np.logaddexp(0, z)`` in the place of the first
term and the second left out: the softplus ``log(1 + exp(z))`` both compute, as TensorFlow's
``sigmoid_cross_entropy_with_logits`` writes it (``max(x, 0) - x * z + log(1 + exp(-abs(x)))``), to
about one unit in the last place.  Each of the two terms has a kink at ``z = 0`` and the subgradients
backgen gives there (a tie of ``np.maximum`` going to its first operand, 0 for ``np.abs``) do not
cancel, where the sum is smooth with derivative 1/2 (logits of zero, as weights initialized to zero
give): ``np.logaddexp``'s derivative, ``np.exp(z - out)``, is right everywhere.  A term may also be a
name the function's body binds to it, once, outside loops and branches, and reads only there
(``pos = np.maximum(z, 0)``, ``neg = ...``, then ``pos + neg``), in a statement of the body (not in a
loop or branch) calling nothing but NumPy, only such bindings between, where the names ``z`` reads are
parameters or names bound once before it, none written into: its binding is then left out.  A name
bound to one term and added the other in the next statement (``loss = np.maximum(z, 0)``, then ``loss
+= np.log1p(np.exp(-np.abs(z)))``, ``z`` not reading ``loss``) is bound to ``np.logaddexp(0, z)``.
Sums of other forms are left as written.
"""

import ast

from .source import meaning_of, walk, tree_copy

SPELLED = frozenset({"abs", "absolute"})  # (parse runs this rewriter only where the function spells one)

_METHODS = frozenset({"dot", "sum", "mean", "reshape", "ravel", "flatten", "squeeze", "astype", "copy", "T"})


def rewrite(forward):
    meaning = forward.env.get

    def numpy_call(node, names):
        if node.__class__ is not ast.Call or node.keywords:
            return None
        spelled = meaning_of(node.func, meaning)
        if spelled is None or not spelled.startswith("numpy.") or spelled[6:] not in names:
            return None
        return spelled[6:]

    def pure(node):
        for sub in walk(node):
            if isinstance(sub, (ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom, ast.Lambda, ast.Starred)):
                return False
            if sub.__class__ is ast.Call and meaning_of(sub.func, meaning) is None and not (
                    isinstance(sub.func, ast.Attribute) and sub.func.attr in _METHODS):
                return False
            if sub.__class__ is ast.Call and (meaning_of(sub.func, meaning) or "numpy.").split(".")[0] != "numpy":
                return False
        return True

    def zero(node, value=0):
        return node.__class__ is ast.Constant and type(node.value) in (int, float) and node.value == value

    def positive_part(term):
        """``(z, the numpy name node)`` of ``np.maximum(z, 0)``, ``np.maximum(0, z)``, ``np.clip(z, 0, None)``."""
        kind = numpy_call(term, ("maximum", "clip"))
        if kind == "maximum" and len(term.args) == 2:
            a, b = term.args
            z = a if zero(b) else b if zero(a) else None
        elif kind == "clip" and len(term.args) == 3 and zero(term.args[1]) and \
                term.args[2].__class__ is ast.Constant and term.args[2].value is None:
            z = term.args[0]
        else:
            return None
        return (z, term.func) if z is not None and isinstance(term.func, ast.Attribute) else None

    def log_part(term):
        """``z`` of ``np.log1p(np.exp(-np.abs(z)))`` or ``np.log(1 + np.exp(-np.abs(z)))``."""
        kind = numpy_call(term, ("log1p", "log"))
        if kind is None or len(term.args) != 1:
            return None
        inner = term.args[0]
        if kind == "log":
            if not (inner.__class__ is ast.BinOp and inner.op.__class__ is ast.Add):
                return None
            inner = inner.right if zero(inner.left, 1) else inner.left if zero(inner.right, 1) else None
        if inner is None or numpy_call(inner, ("exp",)) is None or len(inner.args) != 1:
            return None
        negated = inner.args[0]
        if not (negated.__class__ is ast.UnaryOp and negated.op.__class__ is ast.USub):
            return None
        absolute = negated.operand
        builtin = absolute.__class__ is ast.Call and not absolute.keywords and \
            meaning_of(absolute.func, meaning) == "abs"  # (abs(z) of an array: np.abs)
        if numpy_call(absolute, ("abs", "absolute")) is None and not builtin or len(absolute.args) != 1:
            return None
        return absolute.args[0]

    def alike(z, w):
        """``z`` and ``w`` are written alike, or one is the other negated (``|-m|`` is ``|m|``)."""
        text = ast.dump(z)
        return text == ast.dump(w) or any(
            a.__class__ is ast.UnaryOp and a.op.__class__ is ast.USub and ast.dump(a.operand) == ast.dump(b)
            for a, b in ((z, w), (w, z)))

    def terms(node, sign, parent, side, found):
        if node.__class__ is ast.BinOp and node.op.__class__ in (ast.Add, ast.Sub):
            terms(node.left, sign, node, "left", found)
            terms(node.right, -sign if node.op.__class__ is ast.Sub else sign, node, "right", found)
        else:
            found.append((sign, node, parent, side))
        return found

    def without(root, parent, side):
        """The chain ``root`` with the operand ``side`` of its node ``parent`` left out."""
        kept = parent.right if side == "left" else parent.left
        if side == "left" and parent.op.__class__ is ast.Sub:
            kept = ast.copy_location(ast.UnaryOp(ast.USub(), kept), kept)
        if parent is root:
            return kept
        for node in walk(root):
            if node.__class__ is ast.BinOp and (node.left is parent or node.right is parent):
                setattr(node, "left" if node.left is parent else "right", kept)
                return root
        return root

    named = _named_terms(forward.func, lambda e: positive_part(e) or log_part(e))  # {name: (statement, value)}
    dropped = []
    reading = []  # (the statement of the function's body the sums visited are in, where it reads names so bound)

    def value(term):
        if term.__class__ is ast.Name and term.id in named and reading and reading[0] is not None:
            statement = named[term.id][0]
            body = forward.func.body
            start, end = body.index(statement), body.index(reading[0])
            bindings = {id(s) for s, _ in named.values()}
            if start < end and all(id(s) in bindings for s in body[start:end]):  # (nothing else ran between)
                return named[term.id][1]
        return term

    def fused(root):
        while True:
            found = terms(root, 1, None, None, [])
            pair = None
            for sign, term, term_parent, term_side in found:
                positive = positive_part(value(term))
                if positive is None or not pure(positive[0]):
                    continue
                for other_sign, other, parent, side in found:
                    z = log_part(value(other))
                    if other_sign == sign and z is not None and pure(z) and alike(positive[0], z):
                        pair = (term, term_parent, term_side, positive, other, parent, side)
                        break
                if pair:
                    break
            if pair is None:
                return root
            term, term_parent, term_side, (z, func), other, parent, side = pair
            call = ast.Call(ast.Attribute(tree_copy(func.value), "logaddexp", ast.Load()),
                            [ast.Constant(0), tree_copy(z)], [])
            for sub in walk(call):
                ast.copy_location(sub, term)
            setattr(term_parent, term_side, call)
            dropped.extend(named[t.id][0] for t in (term, other) if t.__class__ is ast.Name and t.id in named)
            root = without(root, parent, side)

    class Sums(ast.NodeTransformer):
        def visit_BinOp(self, node):
            if node.op.__class__ not in (ast.Add, ast.Sub):
                self.generic_visit(node)
                return node
            for _, term, _, _ in terms(node, 1, None, None, []):
                self.visit(term)  # (sums inside the terms first)
            return fused(node)

    simple = (ast.Assign, ast.AugAssign, ast.Return, ast.Expr)
    for statement in list(forward.func.body):
        # (names so bound are read as their values in a statement of the body that calls nothing but NumPy)
        reading[:] = [statement if statement.__class__ in simple and statement.value is not None and
                      pure(statement.value) else None]
        Sums().visit(statement)
    _accumulated(forward.func.body, positive_part, log_part, pure, alike)
    if dropped:
        gone = {id(statement) for statement in dropped}
        forward.func.body = [statement for statement in forward.func.body if id(statement) not in gone]


def _named_terms(func, term):
    """``{name: (statement, value)}`` of the names a statement of the function's body (not in a loop or
    branch) binds to a term of a softplus (``term(value)``), bound nowhere else and read once, whose value
    reads only names bound nowhere or once in the body before it, none of them written into: the value
    read where the name is, is the value it was given."""
    stores, loads, written = {}, {}, set()
    for node in walk(func):
        if node.__class__ is ast.Name:
            counts = loads if node.ctx.__class__ is ast.Load else stores
            counts[node.id] = counts.get(node.id, 0) + 1
        elif node.__class__ in (ast.Subscript, ast.Attribute) and node.ctx.__class__ is not ast.Load:
            base = node.value
            while base.__class__ in (ast.Subscript, ast.Attribute):
                base = base.value
            if base.__class__ is ast.Name:
                written.add(base.id)
        elif node.__class__ in (ast.Global, ast.Nonlocal, ast.Delete):
            return {}
    for arg in func.args.posonlyargs + func.args.args + func.args.kwonlyargs:
        stores[arg.arg] = stores.get(arg.arg, 0) + 1
    params = {arg.arg for arg in func.args.posonlyargs + func.args.args + func.args.kwonlyargs}
    found, before = {}, set()
    for statement in func.body:
        if statement.__class__ is ast.Assign and len(statement.targets) == 1 and \
                statement.targets[0].__class__ is ast.Name:
            name = statement.targets[0].id
            reads = {n.id for n in walk(statement.value) if n.__class__ is ast.Name}
            if stores.get(name) == 1 and loads.get(name) == 1 and name not in written and term(statement.value) \
                    and all(n not in written and (stores.get(n, 0) == 0 or
                                                  stores[n] == 1 and (n in before or n in params)) for n in reads):
                found[name] = (statement, statement.value)
            before.add(name)
    return found


def _accumulated(body, positive_part, log_part, pure, alike):
    """``loss = np.maximum(z, 0)`` followed by ``loss += np.log1p(np.exp(-np.abs(z)))`` (either first),
    ``z`` not reading ``loss``, in one block: ``loss = np.logaddexp(0, z)``."""
    blocks = [body]
    for statement in body:
        for sub in walk(statement):
            for field in ("body", "orelse", "finalbody"):
                block = getattr(sub, field, None)
                if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                    blocks.append(block)
    for block in blocks:
        i = 0
        while i + 1 < len(block):
            first, second = block[i], block[i + 1]
            if first.__class__ is ast.Assign and len(first.targets) == 1 and first.targets[0].__class__ is ast.Name \
                    and second.__class__ is ast.AugAssign and second.op.__class__ is ast.Add and \
                    second.target.__class__ is ast.Name and second.target.id == first.targets[0].id:
                name = second.target.id
                parts = [(positive_part(first.value), log_part(second.value)),
                         (positive_part(second.value), log_part(first.value))]
                for positive, z in parts:
                    if positive and z is not None and pure(z) and pure(positive[0]) and alike(positive[0], z) and \
                            name not in {n.id for n in walk(positive[0]) if n.__class__ is ast.Name} | \
                            {n.id for n in walk(z) if n.__class__ is ast.Name}:
                        call = ast.Call(ast.Attribute(tree_copy(positive[1].value), "logaddexp", ast.Load()),
                                        [ast.Constant(0), tree_copy(positive[0])], [])
                        first.value = call
                        for sub in walk(call):
                            ast.copy_location(sub, first)
                        del block[i + 1]
                        break
            i += 1
