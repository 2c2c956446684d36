"""The numerically stable softplus as people write it, read as the ``np.logaddexp`` it computes.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each sum (a chain of ``+``
and ``-``) holding, with the same sign, a term ``np.maximum(z, 0)`` (``np.maximum(0, z)``,
``np.clip(z, 0, None)``) and a term ``np.log1p(np.exp(-np.abs(z)))`` (``np.log(1 + np.exp(-np.abs(z)))``,
``np.abs(-z)`` too) of the same ``z`` (written alike, an expression calling nothing but NumPy's
functions and a few array methods), by that sum with ``np.logaddexp(0, z)`` in the place of the first
term and the second left out: the softplus ``log(1 + exp(z))`` both compute, as TensorFlow's
``sigmoid_cross_entropy_with_logits`` writes it (``max(x, 0) - x * z + log(1 + exp(-abs(x)))``), to
about one unit in the last place.  Each of the two terms has a kink at ``z = 0`` and the subgradients
backgen gives there (a tie of ``np.maximum`` going to its first operand, 0 for ``np.abs``) do not
cancel, where the sum is smooth with derivative 1/2 (logits of zero, as weights initialized to zero
give): ``np.logaddexp``'s derivative, ``np.exp(z - out)``, is right everywhere.  Sums of other
forms are left as written.
"""

import ast
import copy

from .source import meaning_of, walk

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
        if numpy_call(absolute, ("abs", "absolute")) is None or len(absolute.args) != 1:
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

    def fused(root):
        while True:
            found = terms(root, 1, None, None, [])
            pair = None
            for sign, term, _, _ in found:
                positive = positive_part(term)
                if positive is None or not pure(positive[0]):
                    continue
                for other_sign, other, parent, side in found:
                    z = log_part(other)
                    if other_sign == sign and z is not None and pure(z) and alike(positive[0], z):
                        pair = (term, positive, parent, side)
                        break
                if pair:
                    break
            if pair is None:
                return root
            term, (z, func), parent, side = pair
            logaddexp = ast.Attribute(copy.deepcopy(func.value), "logaddexp", ast.Load())
            term.func, term.args = logaddexp, [ast.Constant(0), z]
            for sub in ast.walk(term):
                ast.copy_location(sub, term)
            root = without(root, parent, side)

    class Sums(ast.NodeTransformer):
        def visit_BinOp(self, node):
            if node.op.__class__ not in (ast.Add, ast.Sub):
                self.generic_visit(node)
                return node
            for _, term, _, _ in terms(node, 1, None, None, []):
                self.visit(term)  # (sums inside the terms first)
            return fused(node)

    Sums().visit(forward.func)
