"""NumPy's real and complex DFT of a real signal, read through its real parts: magnitudes, real and
imaginary parts, written as the sums of the signal times cosines and sines they are.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each call
``np.fft.rfft(a, n=None, axis=-1)`` or ``np.fft.fft(a, n=None, axis=-1)`` (an axis written out as an
integer other than the last: that axis moved last first, ``np.moveaxis``, and the parts' moved back;
``norm`` left out, None, ``"backward"``, ``"ortho"``: the parts over ``sqrt(N)``, or ``"forward"``: over ``N``; also ``rfft`` or
``fft`` imported from ``numpy.fft``) whose complex result is read only through real values: ``np.abs(F)``
(``abs``, ``np.absolute``), ``F.real``, ``F.imag``, ``np.real(F)``, ``np.imag(F)``, ``np.linalg.norm(F)``
(alone: that of ``np.abs(F)``), or those of an entry
or a slice of it (``np.abs(F[:n // 2])``: the parts' entries), where ``F`` is the call itself or a name
the function binds only to such calls (or to one times or over a factor, ``X = np.fft.fft(x) / N``: the
parts scaled so), by statements of
their own (``X = np.fft.rfft(frame)``, on each path of an if), and reads only so; a transform of one
read so is written first.  The statement holding the call (or binding the name) is preceded by
``<name>_in = a`` (``a[..., :n]`` where ``n`` is given; ``<name>_n = np.shape(<name>_in)[-1]`` where
not), ``<name>_angles = 2 * np.pi * np.outer(np.arange(L), np.arange(K)) / N``, ``<name>_re =
<name>_in @ np.cos(<name>_angles)`` and ``<name>_im = -(<name>_in @ np.sin(<name>_angles))`` (``N``
the length transformed, ``n`` or the last axis's; ``L`` the samples read, ``min(len, n)``; ``K`` the
bins, ``N // 2 + 1`` for rfft, ``N`` for fft; ``<name>`` ``spec`` for a call read in place), and each
read becomes ``np.hypot(<name>_re, <name>_im)``, ``<name>_re`` or ``<name>_im``:
the same numbers (to rounding), which backgen differentiates.  The call must sit in a plain
statement (an assignment, ``op=``, a return, an expression) of a block, outside comprehensions,
lambdas and conditional expressions.  An axis not written out as an integer, a
``norm`` not written out, or a read of the complex value otherwise is left as it is (and refused, as
complex).
"""

import ast

from .scipy_calls import numpy_alias
from .source import fresh_names, rewrite_statements, tree_copy, names_of, walk

SPELLED = frozenset({"rfft", "fft"})  # (parse runs this rewriter only where the function spells one)

_ABS = frozenset({"abs", "absolute"})
_NORMS = {None: None, "backward": None, "ortho": "sqrt", "forward": "n"}  # norm -> what the parts are divided by
_PARTS = {"real": "re", "imag": "im"}
_PLAIN = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Expr)
_CLOSED = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.IfExp, ast.BoolOp)


def rewrite(forward):
    env = forward.env
    numpy_names = {name for name, meaning in env.items() if meaning == "numpy"}
    fft_names = {name for name, meaning in env.items() if meaning == "numpy.fft"}
    direct = {name: meaning.rpartition(".")[2] for name, meaning in env.items()
              if meaning in ("numpy.fft.rfft", "numpy.fft.fft")}
    if not (numpy_names or fft_names or direct):
        return
    bound = {n.id for n in walk(forward.func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)} | \
        {a.arg for a in walk(forward.func.args) if isinstance(a, ast.arg)}

    def transform(node):
        """``rfft`` or ``fft`` where ``node`` calls one of them (the user's spelling), else None."""
        if not isinstance(node, ast.Call):
            return None
        func = node.func
        if isinstance(func, ast.Name):
            return direct.get(func.id) if func.id not in bound else None
        if isinstance(func, ast.Attribute) and func.attr in SPELLED:
            owner = func.value
            if isinstance(owner, ast.Name) and owner.id in fft_names and owner.id not in bound:
                return func.attr
            if isinstance(owner, ast.Attribute) and owner.attr == "fft" and isinstance(owner.value, ast.Name) and \
                    owner.value.id in numpy_names and owner.value.id not in bound:
                return func.attr
        return None

    def is_numpy(func, names):
        return isinstance(func, ast.Attribute) and func.attr in names and isinstance(func.value, ast.Name) and \
            func.value.id in numpy_names and func.value.id not in bound

    def part(parent, child):
        """The real value ``parent`` reads of the complex ``child``: "abs", "re", "im", or None."""
        if isinstance(parent, ast.Attribute) and parent.value is child and parent.attr in _PARTS:
            return _PARTS[parent.attr]
        if isinstance(parent, ast.Call) and len(parent.args) == 1 and parent.args[0] is child and not parent.keywords:
            if isinstance(parent.func, ast.Name) and parent.func.id == "abs" and "abs" not in bound or \
                    is_numpy(parent.func, _ABS):
                return "abs"
            if is_numpy(parent.func, ("real", "imag")):
                return _PARTS[parent.func.attr]
            func = parent.func  # np.linalg.norm(F): that of the magnitudes (the 2-norm of a vector, Frobenius')
            if isinstance(func, ast.Attribute) and func.attr == "norm" and is_numpy(func.value, ("linalg",)):
                return "norm"
        return None

    def reader(child):
        """``(node, kind, index)`` where ``child`` (complex) is read through a real value: the node reading it,
        what it reads ("abs", "re", "im", "norm") and the index taken first (``np.abs(X[1:4])``: ``1:4``), or None."""
        parent = parents.get(id(child))
        kind = part(parent, child)
        if kind is not None:
            return parent, kind, None
        if isinstance(parent, ast.Subscript) and parent.value is child and isinstance(parent.ctx, ast.Load):
            outer = parents.get(id(parent))
            kind = part(outer, parent)
            if kind is not None:  # (an entry or a slice of the parts is that of the complex values)
                return outer, kind, parent.slice
        return None

    def arguments(call):
        """``(a, n, norm, axis)`` of a call read here (``axis`` None for the last), or None (an axis not an
        integer written out, a norm not written out, starred arguments)."""
        names = ("a", "n", "axis", "norm")
        if len(call.args) > 4 or any(isinstance(a, ast.Starred) for a in call.args) or \
                any(k.arg not in names for k in call.keywords):
            return None
        given = dict(zip(names, call.args))
        for k in call.keywords:
            if k.arg in given:
                return None
            given[k.arg] = k.value
        if "a" not in given:
            return None
        axis, norm = given.get("axis"), given.get("norm")
        if axis is not None:
            number = axis.operand if isinstance(axis, ast.UnaryOp) and isinstance(axis.op, ast.USub) else axis
            if not (isinstance(number, ast.Constant) and type(number.value) is int):
                return None
            axis = None if number is not axis and number.value == 1 else axis  # (-1: the last, as left out)
        if norm is not None and not (isinstance(norm, ast.Constant) and norm.value in _NORMS):
            return None
        n = given.get("n")
        return given["a"], None if isinstance(n, ast.Constant) and n.value is None else n, \
            None if norm is None else norm.value, axis

    def scaled(value):
        """``(call, op, factor)`` where ``value`` is a transform read here (``factor`` None), or one times or
        over a factor (``np.fft.fft(x) / N``, ``2.0 * np.fft.rfft(x)``), else None."""
        if transform(value) and arguments(value) is not None:
            return value, None, None
        if not isinstance(value, ast.BinOp) or not isinstance(value.op, (ast.Mult, ast.Div)):
            return None
        sides = [(value.left, value.right)] + ([(value.right, value.left)] if isinstance(value.op, ast.Mult) else [])
        for call, factor in sides:
            if transform(call) and arguments(call) is not None and \
                    not any(transform(node) for node in walk(factor)):
                return call, type(value.op), factor
        return None

    # the names bound once, by a statement of their own, to a call read here, and read only through real values
    parents = {}
    for node in walk(forward.func):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    stores = {}
    for node in walk(forward.func):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            stores[node.id] = stores.get(node.id, 0) + 1
    named = {}  # name -> its assignments (on each path of an if: X = np.fft.rfft(x * w) else np.fft.rfft(x))
    for node in walk(forward.func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and \
                scaled(node.value) is not None:
            named.setdefault(node.targets[0].id, []).append(node)
    named = {name: bindings for name, bindings in named.items() if len(bindings) == stores[name]}
    for node in walk(forward.func):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in named and \
                reader(node) is None:
            named.pop(node.id)
    if any(isinstance(node, ast.arg) and node.arg in named for node in walk(forward.func)):
        return  # (a parameter of a function inside of the same name: left as it is)

    used = names_of(forward.func) | \
        {a.arg for a in walk(forward.func) if isinstance(a, ast.arg)} | set(env)
    fresh = fresh_names(used, bare=True)
    np_name = numpy_alias(forward)

    def attribute(*path):
        node = ast.Name(path[0], ast.Load())
        for attr in path[1:]:
            node = ast.Attribute(node, attr, ast.Load())
        return node

    def call(func, *args):
        return ast.Call(func, list(args), [])

    def spectrum(kind, a, n, norm, axis, base, anchor):
        """The statements computing the real and imaginary parts: ``(statements, re, im)``."""
        signal, re, im = fresh(f"{base}_in"), fresh(f"{base}_re"), fresh(f"{base}_im")
        angles = fresh(f"{base}_angles")
        last = ast.Subscript(call(attribute(np_name, "shape"), ast.Name(signal, ast.Load())),
                             ast.UnaryOp(ast.USub(), ast.Constant(1)), ast.Load())
        statements = []
        if axis is not None:  # the axis transformed moved last, and the parts' back where it was
            a = call(attribute(np_name, "moveaxis"), tree_copy(a), tree_copy(axis),
                     ast.UnaryOp(ast.USub(), ast.Constant(1)))
        if n is None:
            statements.append(ast.Assign([ast.Name(signal, ast.Store())], tree_copy(a)))
            size = fresh(f"{base}_n")
            statements.append(ast.Assign([ast.Name(size, ast.Store())], last))
            length, samples = ast.Name(size, ast.Load()), ast.Name(size, ast.Load())
        else:
            taken = ast.Subscript(tree_copy(a), ast.Tuple([ast.Constant(Ellipsis),
                                                               ast.Slice(None, tree_copy(n), None)], ast.Load()),
                                  ast.Load())
            statements.append(ast.Assign([ast.Name(signal, ast.Store())], taken))
            length, samples = tree_copy(n), last
        bins = ast.BinOp(ast.BinOp(tree_copy(length), ast.FloorDiv(), ast.Constant(2)), ast.Add(),
                         ast.Constant(1)) if kind == "rfft" else tree_copy(length)
        turns = ast.BinOp(ast.BinOp(ast.Constant(2), ast.Mult(), attribute(np_name, "pi")), ast.Mult(),
                          call(attribute(np_name, "outer"), call(attribute(np_name, "arange"), samples),
                               call(attribute(np_name, "arange"), bins)))
        statements.append(ast.Assign([ast.Name(angles, ast.Store())], ast.BinOp(turns, ast.Div(), length)))
        product = ast.BinOp(ast.Name(signal, ast.Load()), ast.MatMult(),
                            call(attribute(np_name, "cos"), ast.Name(angles, ast.Load())))
        negated = ast.UnaryOp(ast.USub(), ast.BinOp(ast.Name(signal, ast.Load()), ast.MatMult(),
                                                      call(attribute(np_name, "sin"), ast.Name(angles, ast.Load()))))
        if _NORMS.get(norm):  # "ortho": over sqrt(N); "forward": over N
            scale = tree_copy(length) if _NORMS[norm] == "n" else call(attribute(np_name, "sqrt"),
                                                                            tree_copy(length))
            product = ast.BinOp(product, ast.Div(), scale)
            negated = ast.BinOp(negated, ast.Div(), tree_copy(scale))
        if axis is not None:
            product, negated = (call(attribute(np_name, "moveaxis"), part, ast.UnaryOp(ast.USub(), ast.Constant(1)),
                                     tree_copy(axis)) for part in (product, negated))
        statements += [ast.Assign([ast.Name(re, ast.Store())], product),
                       ast.Assign([ast.Name(im, ast.Store())], negated)]
        for stmt in statements:
            for sub in walk(stmt):
                ast.copy_location(sub, anchor)
                if hasattr(sub, "end_lineno"):
                    sub.end_lineno, sub.end_col_offset = anchor.end_lineno, anchor.end_col_offset
        return statements, re, im

    def read(kind_of_read, re, im, anchor, index=None):
        def named(part_name):
            node = ast.Name(part_name, ast.Load())
            return node if index is None else ast.Subscript(node, tree_copy(index), ast.Load())
        if kind_of_read in ("abs", "norm"):
            new = call(attribute(np_name, "hypot"), named(re), named(im))
            new = call(attribute(np_name, "linalg", "norm"), new) if kind_of_read == "norm" else new
        else:
            new = named(re if kind_of_read == "re" else im)
        for sub in walk(new):
            ast.copy_location(sub, anchor)
        return new

    def closed_in(node, stmt):
        """Whether ``node`` sits inside a comprehension, lambda or conditional expression of ``stmt``."""
        while id(node) in parents and parents[id(node)] is not stmt:
            node = parents[id(node)]
            if isinstance(node, _CLOSED):
                return True
        return False

    def each(stmt):
        if not isinstance(stmt, _PLAIN):
            return [stmt]
        before = []
        while True:  # the transforms read in place, the innermost first (np.abs(np.fft.rfft(np.abs(...))))
            parents.update({id(child): node for node in walk(stmt) for child in ast.iter_child_nodes(node)})
            sites = [node for node in walk(stmt) if transform(node) and arguments(node) is not None and
                     reader(node) is not None and not closed_in(node, stmt)]
            inner = [site for site in sites if not any(other is not site and other in walk(site) for other in sites)]
            if not inner:
                break
            site = inner[0]
            a, n, norm, axis = arguments(site)
            made, re, im = spectrum(transform(site), a, n, norm, axis, "spec", stmt)
            before += made
            node, kind_of_read, index = reader(site)
            reads[id(node)] = (kind_of_read, re, im, index)
            Replace().visit(stmt)
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and \
                stmt.targets[0].id in named and any(binding is stmt for binding in named[stmt.targets[0].id]):
            name = stmt.targets[0].id
            site, op, factor = scaled(stmt.value)
            a, n, norm, axis = arguments(site)
            made, re, im = spectrum(transform(site), a, n, norm, axis, name, stmt)
            if factor is not None:  # X = np.fft.fft(x) / N: both parts scaled so (by a real factor)
                for line in made[-2:]:
                    line.value = ast.copy_location(ast.BinOp(line.value, op(), tree_copy(factor)), line.value)
            if name in parts:  # (bound on another path before: the same names for the parts)
                made[-2].targets[0].id, made[-1].targets[0].id = parts[name]
            parts[name] = (made[-2].targets[0].id, made[-1].targets[0].id)
            return before + made
        return before + [stmt]

    parts, reads = {}, {}  # name -> (re, im); id(read node) -> (what it reads, re, im)

    class Replace(ast.NodeTransformer):
        def visit(self, node):
            if id(node) in reads:
                kind_of_read, re, im, index = reads.pop(id(node))
                return read(kind_of_read, re, im, node, index)
            return super().visit(node)

    class Names(ast.NodeTransformer):
        def visit(self, node):
            if isinstance(node, (ast.Attribute, ast.Call)):
                inner = node.value if isinstance(node, ast.Attribute) else node.args[0] if node.args else None
                index = None
                if isinstance(inner, ast.Subscript) and isinstance(inner.value, ast.Name) and \
                        inner.value.id in parts and isinstance(inner.ctx, ast.Load):  # np.abs(X[:n // 2])
                    index = inner.slice
                    named = inner.value
                else:
                    named = inner
                if isinstance(named, ast.Name) and named.id in parts and part(node, inner) is not None:
                    re, im = parts[named.id]
                    return read(part(node, inner), re, im, node, None if index is None else self.visit(index))
            return super().visit(node)

    forward.func.body = rewrite_statements(forward.func.body, each)
    if parts:
        Names().visit(forward.func)
