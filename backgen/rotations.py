"""SciPy's rotations (``scipy.spatial.transform.Rotation``), written as the NumPy matrices they are.

Contract: ``rewrite(forward)`` replaces, in ``forward.func`` (in place), each rotation the class the
environment binds to ``scipy.spatial.transform.Rotation`` makes (``from scipy.spatial.transform import
Rotation as R``, ``import scipy.spatial.transform as sst`` then ``sst.Rotation``) with its matrix, a
name bound by an assignment put just before the statement making it:

* ``from_quat(q)`` (``q`` of ``[x, y, z, w]``, the scalar last, normalized as SciPy normalizes it) the
  matrix of the unit quaternion;
* ``from_rotvec(v)`` Rodrigues' ``I + a K + b K @ K`` of ``K`` the cross-product matrix of ``v``, with
  ``a = sin(t) / t = np.sinc(t / pi)`` and ``b = (1 - cos(t)) / t ** 2 = np.sinc(t / (2 pi)) ** 2 / 2``
  of ``t = np.linalg.norm(v)``: finite, and differentiated, at the zero vector too;
* ``from_euler(seq, angles, degrees=False)`` of a string ``seq`` written at the call, of one to three
  of ``x``, ``y``, ``z`` (extrinsic: the product of the elementary rotations right to left) or of ``X``,
  ``Y``, ``Z`` (intrinsic: left to right), each angle ``angles[..., i]`` (for one axis a number, or of ``(N,
  1)`` angles their column);
* ``identity()`` ``np.eye(3)``;

each of one rotation or of a stack of them, as the argument's leading axes say (``x[..., 0]`` and
``np.stack`` keep them).  A rotation is then read as SciPy's object would be: ``.as_matrix()`` is the
matrix, ``.apply(v)`` ``(M @ v[..., None])[..., 0]`` (a vector or rows of them), ``.inv()`` the
transpose, ``r1 * r2`` (the composition) ``M1 @ M2``; a name bound once to a rotation (``r =
R.from_euler("z", yaw)``) holds its matrix, read so.  Any other use (another method, a rotation returned
or handed to a function, made inside a comprehension, a lambda, a conditional expression, a boolean operator
or a ``while`` test) is refused at the call, as are the class's other constructors.
"""

import ast

from .scipy_calls import function_of, numpy_alias, reads_module
from .source import fresh_names, name_ids, rewrite_statements, walk

SPELLED = frozenset({"Rotation", "from_quat", "from_rotvec", "from_euler", "transform"})
MODULE = "scipy.spatial.transform"
CONSTRUCTORS = ("from_quat", "from_rotvec", "from_euler", "identity")
METHODS = ("as_matrix", "apply", "inv")
_OPAQUE = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.IfExp, ast.BoolOp)

_ELEMENTARY = {  # the rows of each axis's rotation by the angle whose cosine is C and sine S (O: 0, I: 1)
    "x": "[[I, O, O], [O, C, -S], [O, S, C]]",
    "y": "[[C, O, S], [O, I, O], [-S, O, C]]",
    "z": "[[C, -S, O], [S, C, O], [O, O, I]]",
}


def rewrite(forward):
    if not reads_module(forward, MODULE) or not any(
            _constructor(forward, node) for node in walk(forward.func) if isinstance(node, ast.Call)):
        return
    np_name = numpy_alias(forward)
    fresh = fresh_names(set(name_ids(forward.func)) | {a.arg for a in forward.func.args.args})
    held = _held(forward)  # the names bound once to a rotation
    marked, consumed = {}, set()  # id of a node holding a rotation's matrix -> the node; those read as one

    class Rotations(ast.NodeTransformer):
        def __init__(self, before):
            self.before = before

        def generic_visit(self, node):
            if isinstance(node, _OPAQUE):
                for inner in walk(node):
                    if isinstance(inner, ast.Call) and _constructor(forward, inner):
                        raise forward.error("a scipy Rotation is read here where it is made in its own statement "
                                            "only (not in a comprehension, a lambda, a conditional expression or "
                                            "a boolean operator, which may evaluate it otherwise)", inner)
                return node
            return super().generic_visit(node)

        def visit_Name(self, node):
            if node.id in held and isinstance(node.ctx, ast.Load):
                marked[id(node)] = node
            return node

        def visit_BinOp(self, node):
            self.generic_visit(node)
            if isinstance(node.op, ast.Mult) and id(node.left) in marked and id(node.right) in marked:
                consumed.update((id(node.left), id(node.right)))
                return self.mark(ast.BinOp(node.left, ast.MatMult(), node.right), node)
            return node

        def visit_Call(self, node):
            self.generic_visit(node)
            name = _constructor(forward, node)
            if name is not None:
                statements, made = _made(forward, node, name, np_name, fresh)
                self.before.extend(statements)
                return self.mark(ast.Name(made, ast.Load()), node)
            func = node.func
            if not (isinstance(func, ast.Attribute) and id(func.value) in marked):
                return node
            consumed.add(id(func.value))
            if func.attr not in METHODS:
                raise forward.error(f"Rotation.{func.attr}() is not supported: backgen reads a scipy Rotation's "
                                    f"{', '.join(METHODS)} and its composition r1 * r2", node)
            if node.keywords or len(node.args) != (func.attr == "apply"):
                raise forward.error(f"Rotation.{func.attr}() with these arguments is not supported", node)
            matrix = func.value
            if func.attr == "as_matrix":
                return ast.copy_location(matrix, node)
            if func.attr == "inv":
                return self.mark(_np(np_name, "swapaxes", [matrix, ast.Constant(-1), ast.Constant(-2)]), node)
            column = ast.Subscript(node.args[0], ast.Tuple([ast.Constant(Ellipsis), ast.Constant(None)],
                                                           ast.Load()), ast.Load())
            product = ast.BinOp(matrix, ast.MatMult(), column)
            return ast.copy_location(ast.Subscript(product, ast.Tuple([ast.Constant(Ellipsis), ast.Constant(0)],
                                                                      ast.Load()), ast.Load()), node)

        def visit_Assign(self, node):
            self.generic_visit(node)
            if id(node.value) in marked and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                    and node.targets[0].id in held:
                consumed.add(id(node.value))
            return node

        def mark(self, new, old):
            ast.copy_location(new, old)
            for sub in walk(new):
                ast.copy_location(sub, old)
            marked[id(new)] = new
            return new

    def each(stmt):
        before = []
        if isinstance(stmt, ast.While):
            if any(isinstance(n, ast.Call) and _constructor(forward, n) for n in walk(stmt.test)):
                raise forward.error("a scipy Rotation is not read in a while test", stmt.test)
            return [stmt]
        if isinstance(stmt, (ast.If, ast.For)):  # (their blocks are rewritten on their own)
            field = "test" if isinstance(stmt, ast.If) else "iter"
            setattr(stmt, field, Rotations(before).visit(getattr(stmt, field)))
        elif not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.With, ast.Try)):
            stmt = Rotations(before).visit(stmt)
        for made in before:
            ast.copy_location(made, stmt)
        return before + [stmt]

    forward.func.body = rewrite_statements(forward.func.body, each)
    ast.fix_missing_locations(forward.func)
    left = [node for key, node in marked.items() if key not in consumed]
    if left:
        raise forward.error("a scipy Rotation is read here as the object it is (returned, handed on, stored): "
                            "backgen reads one through as_matrix(), apply(v), inv() and r1 * r2", left[0])


def _constructor(forward, call):
    """``from_quat`` (``from_rotvec``...) where ``call`` makes a Rotation, else None; another of the class's
    functions is refused."""
    name = function_of(forward, call.func, MODULE)
    if name is None or not name.startswith("Rotation."):
        return None
    method = name.partition(".")[2]
    if method not in CONSTRUCTORS:
        raise forward.error(f"Rotation.{method} is not supported: backgen makes scipy Rotations with "
                            f"{', '.join(CONSTRUCTORS)}", call)
    return method


def _held(forward):
    """The names bound exactly once, to a Rotation made there (``r = R.from_euler("z", yaw)``), and nowhere
    else (not a parameter, not a loop's variable)."""
    stores = {}
    for node in walk(forward.func):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            stores[node.id] = stores.get(node.id, 0) + 1
    params = {a.arg for a in forward.func.args.args + forward.func.args.kwonlyargs}
    held = set()
    for node in walk(forward.func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and isinstance(node.value, ast.Call) and _is_rotation(forward, node.value):
            name = node.targets[0].id
            if stores.get(name) == 1 and name not in params:
                held.add(name)
    return held


def _is_rotation(forward, node):
    """Whether the expression ``node`` makes a Rotation: a constructor, or inv() of one."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "inv":
        node = node.func.value
    return isinstance(node, ast.Call) and _constructor(forward, node) is not None


def _np(np_name, function, args, keywords=()):
    return ast.Call(ast.Attribute(ast.Name(np_name, ast.Load()), function, ast.Load()), list(args),
                    [ast.keyword(k, v) for k, v in keywords])


def _parse(np_name, text, **parts):
    tree = ast.parse(text.replace("np.", f"{np_name}."), mode="eval").body

    class Parts(ast.NodeTransformer):
        def visit_Name(self, node):
            return parts.get(node.id, node)
    return Parts().visit(tree)


def _matrix(np_name, rows):
    """``np.stack`` of ``np.stack`` of the entries ``rows`` (nodes): a matrix, or a stack of them where the
    entries are arrays."""
    stacked = [_np(np_name, "stack", [ast.List(row, ast.Load())], [("axis", ast.Constant(-1))]) for row in rows]
    return _np(np_name, "stack", [ast.List(stacked, ast.Load())], [("axis", ast.Constant(-2))])


def _assign(name, value):
    return ast.Assign([ast.Name(name, ast.Store())], value)


def _name(name):
    return ast.Name(name, ast.Load())


def _made(forward, call, method, np_name, fresh):
    """``(statements, name)``: the statements binding ``name`` to the matrix of the Rotation ``call`` makes."""
    args = list(call.args)
    keywords = {k.arg: k.value for k in call.keywords}
    if any(isinstance(a, ast.Starred) for a in args) or None in keywords:
        raise forward.error(f"Rotation.{method} with these arguments is not supported", call)
    rot = fresh("rot")
    if method == "identity":
        if args or keywords:
            raise forward.error("Rotation.identity() is read of one rotation only", call)
        return [_assign(rot, _np(np_name, "eye", [ast.Constant(3)]))], rot
    if method in ("from_quat", "from_rotvec"):
        if len(args) != 1 or keywords:
            raise forward.error(f"Rotation.{method} is read of its one argument alone (no scalar_first, "
                                "degrees)", call)
        if method == "from_quat":
            given, unit = fresh("q"), fresh("quat")
            statements = [_assign(given, args[0]), _assign(unit, _parse(
                np_name, "Q / np.linalg.norm(Q, axis=-1, keepdims=True)", Q=_name(given)))]
            x, y, z, w = (fresh(c) for c in ("qx", "qy", "qz", "qw"))
            statements += [_assign(n, _parse(np_name, f"Q[..., {k}]", Q=_name(unit))) for k, n in
                           enumerate((x, y, z, w))]
            p = {c: _name(n) for c, n in zip("XYZW", (x, y, z, w))}
            rows = [["1 - 2 * (Y * Y + Z * Z)", "2 * (X * Y - Z * W)", "2 * (X * Z + Y * W)"],
                    ["2 * (X * Y + Z * W)", "1 - 2 * (X * X + Z * Z)", "2 * (Y * Z - X * W)"],
                    ["2 * (X * Z - Y * W)", "2 * (Y * Z + X * W)", "1 - 2 * (X * X + Y * Y)"]]
            matrix = _matrix(np_name, [[_parse(np_name, e, **p) for e in row] for row in rows])
            return statements + [_assign(rot, matrix)], rot
        vec = fresh("rotvec")
        statements = [_assign(vec, args[0])]
        x, y, z = (fresh(c) for c in ("vx", "vy", "vz"))
        statements += [_assign(n, _parse(np_name, f"V[..., {k}]", V=_name(vec))) for k, n in enumerate((x, y, z))]
        angle, zero, hat = fresh("angle"), fresh("zero"), fresh("hat")
        statements.append(_assign(angle, _parse(np_name, "np.linalg.norm(V, axis=-1)", V=_name(vec))))
        statements.append(_assign(zero, _np(np_name, "zeros_like", [_name(x)])))
        p = {"X": _name(x), "Y": _name(y), "Z": _name(z), "O": _name(zero)}
        rows = [["O", "-Z", "Y"], ["Z", "O", "-X"], ["-Y", "X", "O"]]
        statements.append(_assign(hat, _matrix(np_name, [[_parse(np_name, e, **p) for e in row] for row in rows])))
        matrix = _parse(np_name, "np.eye(3) + np.sinc(T / np.pi)[..., None, None] * K + "
                        "(0.5 * np.sinc(T / (2 * np.pi)) ** 2)[..., None, None] * (K @ K)",
                        T=_name(angle), K=_name(hat))
        return statements + [_assign(rot, matrix)], rot
    # from_euler(seq, angles, degrees=False)
    bound = dict(zip(("seq", "angles", "degrees"), args))
    for key, value in keywords.items():
        if key not in ("seq", "angles", "degrees") or key in bound:
            raise forward.error(f"Rotation.from_euler with {key}= is not supported", call)
        bound[key] = value
    seq = bound.get("seq")
    if not (isinstance(seq, ast.Constant) and isinstance(seq.value, str) and 1 <= len(seq.value) <= 3 and
            (set(seq.value) <= set("xyz") or set(seq.value) <= set("XYZ"))) or "angles" not in bound:
        raise forward.error("Rotation.from_euler is read of a sequence of one to three axes written at the call, "
                            "all lowercase (extrinsic) or all uppercase (intrinsic), and its angles", call)
    degrees = bound.get("degrees", ast.Constant(False))
    if not (isinstance(degrees, ast.Constant) and degrees.value in (True, False)):
        raise forward.error("Rotation.from_euler's degrees must be written as True or False", call)
    axes = seq.value
    angles = fresh("angles")
    value = bound["angles"]
    if degrees.value:
        value = _np(np_name, "deg2rad", [value])
    statements = [_assign(angles, value)]
    factors = []
    for k, axis in enumerate(axes):
        angle = _parse(np_name, "np.squeeze(np.atleast_1d(A), axis=-1)" if len(axes) == 1 else f"A[..., {k}]",
                       A=_name(angles))  # (one axis: a number, or (N, 1) angles, as SciPy reads them)
        c, s, o, i = fresh("c"), fresh("s"), fresh("o"), fresh("i")
        statements += [_assign(c, _np(np_name, "cos", [angle])), _assign(s, _np(np_name, "sin", [angle])),
                       _assign(o, _np(np_name, "zeros_like", [_name(c)])),
                       _assign(i, _np(np_name, "ones_like", [_name(c)]))]
        rows = ast.parse(_ELEMENTARY[axis.lower()], mode="eval").body
        p = {"C": _name(c), "S": _name(s), "O": _name(o), "I": _name(i)}
        entries = [[_parse(np_name, ast.unparse(e), **p) for e in row.elts] for row in rows.elts]
        factors.append(_matrix(np_name, entries))
    if axes.islower():  # extrinsic: the first axis's rotation applied first, rightmost
        factors.reverse()
    product = factors[0]
    for factor in factors[1:]:
        product = ast.BinOp(product, ast.MatMult(), factor)
    return statements + [_assign(rot, product)], rot
