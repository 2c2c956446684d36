"""SciPy's ``lfilter`` of coefficients written out (a discounted cumulative sum, a biquad), written as the loop
it computes.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each call ``lfilter(b, a, x)``
(``axis=`` 0 or -1, its default; ``zi`` not given) of a function the environment binds to
``scipy.signal.lfilter`` (``from scipy.signal import lfilter``, ``scipy.signal.lfilter`` after ``import
scipy.signal``, ``signal.lfilter`` after ``from scipy import signal``), ``b`` a list or tuple display of
one coefficient and ``a`` of one or two (``lfilter([1], [1, -gamma], x[::-1])[::-1]``: the discounted
sums of rewards and of advantages), by the name of its value, computed just before the statement
holding the call, in assignments to fresh names::

    xs = x                                   (where x is more than a name)
    ys = np.zeros(np.shape(xs))
    acc = 0.0 * xs[..., 0]                   (xs[0], xs[n], ys[n] and np.shape(xs)[0] for axis=0)
    for n in range(np.shape(xs)[-1]):
        acc = (b0 * xs[..., n] - a1 * acc) / a0
        ys[..., n] = acc

as SciPy computes it, ``y[n] = (b0 * x[n] - a1 * y[n - 1]) / a0`` (``b0 *`` and ``/ a0`` left out where
they are the number 1; a coefficient other than a number bound to a fresh name first, once; ``a`` of
one coefficient: ``ys = np.multiply(b0 / a0, xs)``): a loop, differentiated in ``x`` and in the coefficients.
Lists of more coefficients written out (at most ``_LONGEST`` each: ``lfilter([b0, b1, b2], [1.0, a1, a2], x)``,
a biquad) are the same loop holding the past inputs and outputs in names, shifted as each sample is
computed (``xn = xs[..., n]``; ``acc = (b0 * xn + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2) / a0``; ``x2 = x1``,
``x1 = xn``, ``y2 = y1``, ``y1 = acc``; ``ys[..., n] = acc``).  The result is of floats, as SciPy's is.
Other coefficients (arrays, lists not written out), another axis, ``zi``, and a call in a comprehension, a lambda, a conditional part of an expression (``a if c else b``,
``and``, ``or``) or a ``while`` test are refused at the call.

``signal_function(env, func)``: the name of the ``scipy.signal`` function a call names, however it is
spelled (for this module's rewrite and ``image_filters``'), or None.
"""

import ast

from .scipy_calls import numpy_alias
from .call_lines import assigned_at, lines_before, located
from .source import fresh_names, name_ids, tree_copy, walk

MODULE = "scipy.signal"
FUNCTIONS = frozenset({"lfilter", "convolve2d", "correlate2d"})  # (scipy.signal's read: the 2-D ones in image_filters)
SPELLED = frozenset({"lfilter"})  # (parse runs this rewriter only where the function spells one)
_PARAMS = ("b", "a", "x", "axis", "zi")
_LONGEST = 8  # the most coefficients of b or a written out that the loop holds in names


def signal_function(env, func):
    """The name of the ``scipy.signal`` function a call's ``func`` names (``lfilter``, ``signal.lfilter``,
    ``scipy.signal.lfilter``), the environment ``env`` binding its names; None for anything else."""
    parts = []
    while isinstance(func, ast.Attribute):
        parts.insert(0, func.attr)
        func = func.value
    meaning = env.get(func.id) if isinstance(func, ast.Name) else None
    module, _, name = ".".join([meaning] + parts).rpartition(".") if meaning else ("", "", "")
    return name if module == MODULE else None


def rewrite(forward):
    def which(func):
        return signal_function(forward.env, func) == "lfilter"

    if not any(isinstance(n, ast.Call) and which(n.func) for n in walk(forward.func)):
        return
    np_name = numpy_alias(forward)
    forward.env.setdefault("range", "range")
    fresh = fresh_names(name_ids(forward.func) | {a.arg for a in walk(forward.func.args) if isinstance(a, ast.arg)},
                        bare=True)

    def np_call(attr, *args):
        return ast.Call(ast.Attribute(ast.Name(np_name, ast.Load()), attr, ast.Load()), list(args), [])

    def filtered(node, before):
        """The name of the call's value, its lines appended to ``before``."""
        given = dict(zip(_PARAMS, node.args))
        if len(node.args) > len(_PARAMS) or any(isinstance(a, ast.Starred) for a in node.args) or \
                any(k.arg not in _PARAMS or k.arg in given for k in node.keywords):
            raise forward.error("scipy.signal.lfilter is read with b, a, x and axis", node)
        given.update({k.arg: k.value for k in node.keywords})
        if any(p not in given for p in ("b", "a", "x")):
            raise forward.error("scipy.signal.lfilter needs b, a and x written out", node)
        if not (isinstance(given.get("zi"), ast.Constant) and given["zi"].value is None) and "zi" in given:
            raise forward.error("scipy.signal.lfilter is differentiated without initial conditions (zi)", node)
        axis = given.get("axis", ast.Constant(-1))
        if isinstance(axis, ast.UnaryOp) and isinstance(axis.op, ast.USub) and isinstance(axis.operand, ast.Constant):
            axis = ast.Constant(-axis.operand.value)
        b, a = given["b"], given["a"]
        if not (isinstance(axis, ast.Constant) and type(axis.value) is int and axis.value in (0, -1)) or not (
                isinstance(b, (ast.List, ast.Tuple)) and 1 <= len(b.elts) <= _LONGEST and
                isinstance(a, (ast.List, ast.Tuple)) and 1 <= len(a.elts) <= _LONGEST) or \
                any(isinstance(e, ast.Starred) for e in b.elts + a.elts):
            raise forward.error("scipy.signal.lfilter is differentiated as the recursion y[n] = (b0 * x[n] + b1 * "
                                "x[n - 1] + ... - a1 * y[n - 1] - ...) / a0: b and a lists of coefficients written "
                                f"out ([1], [1, -gamma]; [b0, b1, b2], [1.0, a1, a2]; at most {_LONGEST} each), "
                                "along axis 0 or -1", node)

        def bound(value, prefix):
            if isinstance(value, ast.Constant) or isinstance(value, ast.Name):
                return value
            before.append(assigned_at(fresh(prefix), value, node))
            return ast.Name(before[-1].targets[0].id, ast.Load())

        def one(value):
            return isinstance(value, ast.Constant) and not isinstance(value.value, bool) and value.value == 1

        x = given["x"]
        if not isinstance(x, ast.Name):
            before.append(assigned_at(fresh("xs"), x, node))
            x = ast.Name(before[-1].targets[0].id, ast.Load())
        b0 = bound(b.elts[0], "b0")
        a0 = bound(a.elts[0], "a0")

        def scaled(value):  # b0 * value / a0
            value = value if one(b0) else ast.BinOp(tree_copy(b0), ast.Mult(), value)
            return value if one(a0) else ast.BinOp(value, ast.Div(), tree_copy(a0))

        out = fresh("ys")
        if len(b.elts) > 1 or len(a.elts) > 2:  # (a filter of more coefficients: its past inputs and outputs)
            return higher_order(node, before, b, a, x, axis, bound, one, out)
        if len(a.elts) == 1:  # (NumPy's multiply: x is an array, and the result one of floats)
            before.append(assigned_at(out, np_call("multiply", ast.BinOp(tree_copy(b0), ast.Div(), tree_copy(a0)),
                                               tree_copy(x)), node))
            return ast.Name(out, ast.Load())
        a1 = bound(a.elts[1], "a1")
        acc, n = fresh("acc"), fresh("n")

        def at(index):
            if axis.value == 0:
                return index
            return ast.Tuple([ast.Constant(...), index], ast.Load())

        before.append(assigned_at(out, np_call("zeros", np_call("shape", tree_copy(x))), node))
        before.append(assigned_at(acc, ast.BinOp(ast.Constant(0.0), ast.Mult(), ast.Subscript(
            tree_copy(x), at(ast.Constant(0)), ast.Load())), node))
        step = ast.BinOp(tree_copy(b0), ast.Mult(), ast.Subscript(tree_copy(x), at(ast.Name(n, ast.Load())),
                                                                     ast.Load())) \
            if not one(b0) else ast.Subscript(tree_copy(x), at(ast.Name(n, ast.Load())), ast.Load())
        step = ast.BinOp(step, ast.Sub(), ast.BinOp(tree_copy(a1), ast.Mult(), ast.Name(acc, ast.Load())))
        step = step if one(a0) else ast.BinOp(step, ast.Div(), tree_copy(a0))
        length = ast.Subscript(np_call("shape", tree_copy(x)), ast.Constant(axis.value), ast.Load())
        body = [assigned_at(acc, step, node),
                located(ast.Assign([ast.Subscript(ast.Name(out, ast.Load()), at(ast.Name(n, ast.Load())),
                                                   ast.Store())], ast.Name(acc, ast.Load())), node)]
        loop = located(ast.For(ast.Name(n, ast.Store()), ast.Call(ast.Name("range", ast.Load()), [length], []),
                                body, []), node)
        before.append(loop)
        return ast.Name(out, ast.Load())

    def higher_order(node, before, b, a, x, axis, bound, one, out):
        """``lfilter(b, a, x)`` of more coefficients: the past inputs and outputs held in names (``x1``,
        ``x2``, ``y1``...), shifted as each sample is computed."""
        bs = [bound(value, f"b{k}") for k, value in enumerate(b.elts)]
        as_ = [bound(value, f"a{k}") for k, value in enumerate(a.elts)]

        def at(index):
            return index if axis.value == 0 else ast.Tuple([ast.Constant(...), index], ast.Load())

        def name(text):
            return ast.Name(text, ast.Load())
        n, acc, xn = fresh("n"), fresh("acc"), fresh("xn")
        xs_past = [fresh(f"x{k}") for k in range(1, len(bs))]
        ys_past = [fresh(f"y{k}") for k in range(1, len(as_))]
        before.append(assigned_at(out, np_call("zeros", np_call("shape", tree_copy(x))), node))
        for past in xs_past + ys_past:  # (zeros of a sample's shape: x's rows along the other axis)
            before.append(assigned_at(past, ast.BinOp(ast.Constant(0.0), ast.Mult(), ast.Subscript(
                tree_copy(x), at(ast.Constant(0)), ast.Load())), node))
        terms = [(bs[0], xn)] + list(zip(bs[1:], xs_past))
        total = None
        for coefficient, value in terms:
            term = name(value) if one(coefficient) else ast.BinOp(tree_copy(coefficient), ast.Mult(), name(value))
            total = term if total is None else ast.BinOp(total, ast.Add(), term)
        for coefficient, value in zip(as_[1:], ys_past):
            total = ast.BinOp(total, ast.Sub(), ast.BinOp(tree_copy(coefficient), ast.Mult(), name(value)))
        total = total if one(as_[0]) else ast.BinOp(total, ast.Div(), tree_copy(as_[0]))
        body = [assigned_at(xn, ast.Subscript(tree_copy(x), at(name(n)), ast.Load()), node),
                assigned_at(acc, total, node)]
        for pasts, newest in ((xs_past, xn), (ys_past, acc)):  # (the oldest first: x2 = x1, then x1 = xn)
            for k in range(len(pasts) - 1, -1, -1):
                body.append(assigned_at(pasts[k], name(pasts[k - 1] if k else newest), node))
        body.append(located(ast.Assign([ast.Subscript(name(out), at(name(n)), ast.Store())], name(acc)), node))
        length = ast.Subscript(np_call("shape", tree_copy(x)), ast.Constant(axis.value), ast.Load())
        before.append(located(ast.For(ast.Name(n, ast.Store()), ast.Call(ast.Name("range", ast.Load()), [length], []),
                                      body, []), node))
        return ast.Name(out, ast.Load())

    lines_before(forward, lambda node, before: located(filtered(node, before), node) if which(node.func) else node)
    for node in walk(forward.func):
        if isinstance(node, ast.Call) and which(node.func):
            raise forward.error("scipy.signal.lfilter is differentiated where a statement computes it (an "
                                "assignment, a return), not in a comprehension, a lambda, a conditional "
                                "expression or a while test: compute it on a line before", node)
    ast.fix_missing_locations(forward.func)
