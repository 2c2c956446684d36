"""The shape of each rule's result, stated from its operands' shapes and its static arguments.

Contract:

* ``SHAPES`` maps every rule of the table (``backgen.rules.RULES``) to a function of a ``Call``
  returning the shape of the operation's result: a tuple of sizes for an array or a number
  (``()``), ``Parts((shape, ...))`` for a list or a tuple of values (``np.split``,
  ``np.linalg.qr``), or ``VALUES`` where the shape depends on the values computed, not only on
  shapes (a boolean mask selects as many elements as hold ``True``; a conditional expression is
  one of two values; a helper's result is its own body's).  ``check(RULES)`` runs as the table
  loads: every rule states its shape.
* A ``Call`` gives the operands' shapes in the staged operation's order (``shapes``; a list or a
  tuple operand as ``Parts``), whether an operand was left out (``none(i)``: the staged
  operation writes ``None`` for an optional operand not given), and the value of a static
  argument (``param(name, default)``: an axis, a shape, counts, an index; evaluated where the
  operation is, so ``axis=x.ndim - 1`` is a number here).
* ``stated(rule, call)`` is the shape, raising ``ShapeError`` where NumPy would refuse the
  operands (shapes that do not broadcast, an axis out of range).
* ``observed(value)`` is the same description of a value computed: what ``shapes`` compares a
  statement with.

The statements are NumPy's shape semantics written out (broadcasting, reductions with ``axis``
and ``keepdims``, ``matmul``'s stacks, ``einsum``'s subscripts, basic and advanced indexing,
joins and splits); ``tests/test_result_shapes.py`` checks each rule's against NumPy at several
shapes, and ``shapes`` checks every operation it walks against its statement, once per shape of its
result.
"""

import ast
import math
import operator

import numpy as np

from .. import source

VALUES = "values"


class ShapeError(ValueError):
    """The operands' shapes do not fit the operation (NumPy raises on them)."""


class Parts(tuple):
    """The shapes of the items of a list or a tuple a rule returns (or an operand is)."""

    def __repr__(self):
        return f"Parts({tuple.__repr__(self)})"


class Call:
    """What a statement reads: see the module's contract."""

    def __init__(self, shapes, nones=(), params=None, source=""):
        self.shapes = tuple(shapes)
        self._nones = tuple(nones) or (False,) * len(self.shapes)
        self._params = params or {}
        self.source = source  # the operation as staged code spells it

    def none(self, i):
        return i >= len(self.shapes) or self._nones[i]

    def param(self, name, default=None):
        return self._params.get(name, default)

    def given(self):
        """The shapes of the operands given (not None)."""
        return [s for i, s in enumerate(self.shapes) if not self.none(i)]


ARRAY_KIND = {np.ndarray}  # (the kinds of a list's items whose shapes are found at C's speed: observed,
NUMBER_KINDS = {int, float, np.float64, np.int64}  # shapes._ragged)
SHAPE_OF = operator.attrgetter("shape")


def observed(value):
    """The shape of a computed value, as statements describe it (None: a value of no shape such as
    a dict or a string)."""
    if type(value) is np.ndarray:
        return value.shape
    if isinstance(value, (list, tuple)):
        kinds = set(map(type, value))  # (the common cases at C's speed: a list a loop appends to is seen
        if kinds == ARRAY_KIND:  # at every length)
            return Parts(map(SHAPE_OF, value))
        if kinds <= NUMBER_KINDS:
            return Parts(((),) * len(value))
        parts = [observed(item) for item in value]
        return None if any(p is None for p in parts) else Parts(parts)
    if value is None or isinstance(value, (bool, int, float, complex, np.generic)):
        return ()
    return None


# --- helpers --------------------------------------------------------------------------------


def broadcast(*shapes):
    """NumPy's broadcast of shapes (``()`` for numbers)."""
    try:
        return tuple(np.broadcast_shapes(*[tuple(s) for s in shapes]))
    except ValueError as exc:
        raise ShapeError(str(exc)) from None


def _axis(axis, ndim):
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        raise ShapeError(f"axis {axis!r} is not an integer")
    if not -ndim <= axis < ndim:
        raise ShapeError(f"axis {axis} is out of bounds for {ndim} dimensions")
    return int(axis) % ndim


def _axes(axis, ndim):
    """The axes an ``axis=`` argument names, normalized (None: all)."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (tuple, list)):
        axes = tuple(_axis(a, ndim) for a in axis)
        if len(set(axes)) != len(axes):
            raise ShapeError("repeated axis")
        return axes
    return (_axis(axis, ndim),)


def reduced(shape, axis, keepdims=False):
    """The shape of a reduction of ``shape`` over ``axis``."""
    if not shape and axis is not None and all(a in (0, -1) for a in (axis if isinstance(axis, (tuple, list))
                                                                         else (axis,))):
        return ()  # (NumPy takes axis 0 or -1 of no dimensions for the value itself)
    axes = _axes(axis, len(shape))
    if keepdims:
        return tuple(1 if i in axes else n for i, n in enumerate(shape))
    return tuple(n for i, n in enumerate(shape) if i not in axes)


def _size(shape):
    return math.prod(shape)


def _ints(value):
    """A size or a sequence of sizes as a tuple of ints."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return (int(value),)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return (int(value),)
    return tuple(int(v) for v in value)


def _array_shape(shape):
    if isinstance(shape, Parts):  # a list given where an array is read: np.asarray of it
        items = {_array_shape(item) for item in shape}
        if len(items) > 1:
            raise ShapeError("a list of items of several shapes")
        return (len(shape),) + (next(iter(items)) if items else ())
    return tuple(shape)


# --- families -------------------------------------------------------------------------------


def same(c):
    """The shape of the first operand (elementwise functions of one operand, copies)."""
    return _array_shape(c.shapes[0])


def elementwise(c):
    """The broadcast of every operand given (ufuncs, np.where, np.clip)."""
    return broadcast(*[_array_shape(s) for s in c.given()])


def _arithmetic(c):
    """Python's operators: elementwise on arrays and numbers; on lists and tuples, ``+`` joins
    them and ``*`` repeats them (as many times as a value says)."""
    if any(isinstance(s, Parts) for s in c.shapes):
        if len(c.shapes) == 2 and all(isinstance(s, Parts) for s in c.shapes) and c.source.count("+") == 1:
            return Parts(tuple(c.shapes[0]) + tuple(c.shapes[1]))
        return VALUES
    return elementwise(c)


def _copy(c):
    """A copy: of an array, or of a list (``xs.copy()``, ``list(xs)``)."""
    return c.shapes[0]


def _array_copy(c):
    """``np.copy(x)``, ``np.array(x)``: an array; ``xs.copy()`` of a list is a list."""
    if isinstance(c.shapes[0], Parts) and c.source.endswith(".copy()"):
        return c.shapes[0]
    return _array_shape(c.shapes[0])


def _triangle(c):
    """np.tril, np.triu: a vector is taken for the rows of a square matrix."""
    shape = _array_shape(c.shapes[0])
    return shape * 2 if len(shape) == 1 else shape


def number(c):
    """A number (the math module's functions, ``x.item()``)."""
    return ()


def values(c):
    return VALUES


def reduction(c):
    """``np.sum(a, axis=None, keepdims=False)`` and its kin."""
    return reduced(_array_shape(c.shapes[0]), c.param("axis"), bool(c.param("keepdims", False)))


def _either(c):
    """One of two values (``a if t else b``, ``max(a, b)``): their shape where they agree."""
    shapes = [_array_shape(s) for s in c.shapes[-2:]]
    return shapes[0] if shapes[0] == shapes[1] else VALUES


def _cumulative(c):
    shape = _array_shape(c.shapes[0]) or (1,)  # (a number accumulates as an array of one)
    if c.param("axis") is None:
        return (_size(shape),)
    _axis(c.param("axis"), len(shape))
    return shape


def _accumulate(c):
    shape = _array_shape(c.shapes[0])
    _axis(c.param("axis", 0), len(shape))
    return shape


def _reduceat(c):
    shape = _array_shape(c.shapes[0])
    axis = _axis(c.param("axis", 0), len(shape))
    return shape[:axis] + (len(np.atleast_1d(c.param("indices"))),) + shape[axis + 1:]


def _sorted(c):
    shape = _array_shape(c.shapes[0])
    axis = c.param("axis", -1)
    if axis is None:
        return (_size(shape),)
    _axis(axis, len(shape))
    return shape


# --- products -------------------------------------------------------------------------------


def _matmul_shapes(a, b):
    if not a or not b:
        raise ShapeError("matmul of a number")
    a2 = (1,) + a if len(a) == 1 else a
    b2 = b + (1,) if len(b) == 1 else b
    if a2[-1] != b2[-2]:
        raise ShapeError(f"matmul of {a} and {b}")
    shape = broadcast(a2[:-2], b2[:-2]) + (a2[-2], b2[-1])
    if len(a) == 1:
        shape = shape[:-2] + shape[-1:]
    if len(b) == 1:
        shape = shape[:-1]
    return shape


def _matmul(c):
    return _matmul_shapes(_array_shape(c.shapes[0]), _array_shape(c.shapes[1]))


def _dot(c):
    a, b = _array_shape(c.shapes[0]), _array_shape(c.shapes[1])
    if not a or not b:
        return a or b
    if len(b) == 1:
        if a[-1] != b[0]:
            raise ShapeError(f"dot of {a} and {b}")
        return a[:-1]
    if a[-1] != b[-2]:
        raise ShapeError(f"dot of {a} and {b}")
    return a[:-1] + b[:-2] + b[-1:]


def _inner(c):
    a, b = _array_shape(c.shapes[0]), _array_shape(c.shapes[1])
    if not a or not b:
        return a or b
    if a[-1] != b[-1]:
        raise ShapeError(f"inner of {a} and {b}")
    return a[:-1] + b[:-1]


def _outer(c):
    return (_size(_array_shape(c.shapes[0])), _size(_array_shape(c.shapes[1])))


def _kron(c):
    a, b = _array_shape(c.shapes[0]), _array_shape(c.shapes[1])
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    return tuple(x * y for x, y in zip(a, b))


def _tensordot(c):
    a, b = _array_shape(c.shapes[0]), _array_shape(c.shapes[1])
    axes = c.param("axes", 2)
    if isinstance(axes, (int, np.integer)):
        n = int(axes)
        if n > len(a) or n > len(b) or a[len(a) - n:] != b[:n]:
            raise ShapeError(f"tensordot of {a} and {b} over {n} axes")
        return a[:len(a) - n] + b[n:]
    axes_a, axes_b = axes
    axes_a = _axes(list(_ints(axes_a)), len(a))
    axes_b = _axes(list(_ints(axes_b)), len(b))
    if len(axes_a) != len(axes_b) or any(a[i] != b[j] for i, j in zip(axes_a, axes_b)):
        raise ShapeError(f"tensordot of {a} and {b} over {axes}")
    return tuple(n for i, n in enumerate(a) if i not in axes_a) + \
        tuple(n for i, n in enumerate(b) if i not in axes_b)


def _einsum(c):
    subscripts = c.param("subscripts").replace(" ", "")
    inputs, arrow, output = subscripts.partition("->")
    terms = inputs.split(",")
    shapes = [_array_shape(s) for s in c.given()]
    if len(terms) != len(shapes):
        raise ShapeError(f"einsum {subscripts!r} of {len(shapes)} operands")
    sizes, ellipses, counts = {}, [], {}
    for term, shape in zip(terms, shapes):
        letters = term.replace("...", "")
        if "..." in term:
            before, _, after = term.partition("...")
            extra = len(shape) - len(before) - len(after)
            if extra < 0:
                raise ShapeError(f"einsum term {term!r} of shape {shape}")
            ellipses.append(shape[len(before):len(before) + extra])
            shape = shape[:len(before)] + shape[len(before) + extra:]
        elif len(term) != len(shape):
            raise ShapeError(f"einsum term {term!r} of shape {shape}")
        for letter, n in zip(letters, shape):
            counts[letter] = counts.get(letter, 0) + 1
            known = sizes.get(letter, 1)
            if n != 1 and known != 1 and n != known:
                raise ShapeError(f"einsum {subscripts!r}: {letter} is {known} and {n}")
            sizes[letter] = n if known == 1 else known
    broadcasted = broadcast(*ellipses) if ellipses else ()
    if not arrow:
        output = ("..." if ellipses else "") + "".join(sorted(k for k, n in counts.items() if n == 1))
    shape = []
    for part in output.split("..."):
        shape.extend(sizes[letter] for letter in part)
        shape.append(None)
    shape.pop()
    result = []
    for n in shape:
        result.extend(broadcasted if n is None else (n,))
    return tuple(result)


def _vdot(c):
    return ()


def _cross(c):
    a, b = _array_shape(c.shapes[0]), _array_shape(c.shapes[1])
    axes = {p: c.param(p) for p in ("axisa", "axisb", "axisc", "axis") if c.param(p) is not None}
    if axes:  # (the vectors along other axes: NumPy's own shape of them)
        try:
            return np.cross(np.zeros(a), np.zeros(b), **axes).shape
        except (ValueError, TypeError, np.exceptions.AxisError) as error:
            raise ShapeError(f"cross of {a} and {b} along {axes}") from error
    if a[-1] not in (2, 3) or b[-1] not in (2, 3):
        raise ShapeError(f"cross of {a} and {b}")
    rest = broadcast(a[:-1], b[:-1])
    return rest if a[-1] == b[-1] == 2 else rest + (3,)


def _convolve(c):
    n, m = _size(_array_shape(c.shapes[0])), _size(_array_shape(c.shapes[1]))
    mode = c.param("mode", "full")
    if mode == "full":
        return (n + m - 1,)
    if mode == "same":
        return (max(n, m),)
    return (max(n, m) - min(n, m) + 1,)


def _polyval(c):
    p, x = _array_shape(c.shapes[0]), _array_shape(c.shapes[1])
    return broadcast(x, p[1:])


def _interp(c):
    return _array_shape(c.shapes[0])


def _vander(c):
    n = _size(_array_shape(c.shapes[0]))
    columns = c.param("N")
    return (n, n if columns is None else int(columns))


def _cov(c):
    m = _array_shape(c.shapes[0])
    rowvar = bool(c.param("rowvar", True))

    def variables(shape):
        if len(shape) < 2:
            return 1
        return shape[0] if rowvar else shape[1]
    count = variables(m)
    y = c.param("y")
    if y is not None:
        count += variables(np.shape(y))
    return () if count == 1 else (count, count)


def _diff(c):
    shape = list(_array_shape(c.shapes[0]))
    axis = _axis(c.param("axis", -1), len(shape))
    for i in (1, 2):  # prepend, append: a number counts as one along the axis
        if not c.none(i):
            extra = _array_shape(c.shapes[i])
            shape[axis] += 1 if not extra else extra[axis]
    n = int(c.param("n", 1))
    if n == 0:  # (the array itself: nothing prepended or appended)
        return _array_shape(c.shapes[0])
    shape[axis] = max(0, shape[axis] - n)
    return tuple(shape)


def _gradient(c):
    shape = _array_shape(c.shapes[0])
    axis = c.param("axis")
    if axis is None and len(shape) > 1:
        return Parts([shape] * len(shape))
    if isinstance(axis, (tuple, list)) and len(axis) != 1:
        return Parts([shape] * len(axis))
    return shape


def _average(c):
    shape = _array_shape(c.shapes[0])
    result = reduced(shape, c.param("axis"), bool(c.param("keepdims", False)))
    if c.param("returned", False):
        return Parts([result, result])
    return result


def _norm(c):
    shape = _array_shape(c.shapes[0])
    axis, keepdims = c.param("axis"), bool(c.param("keepdims", False))
    if axis is None:
        return (1,) * len(shape) if keepdims else ()
    return reduced(shape, axis, keepdims)


# --- linear algebra -------------------------------------------------------------------------


def _square(shape):
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise ShapeError(f"{shape} is not a square matrix or a stack of them")
    return shape


def _inv(c):
    return _square(_array_shape(c.shapes[0]))


def _pinv(c):
    shape = _array_shape(c.shapes[0])
    return shape[:-2] + (shape[-1], shape[-2])


def _det(c):
    return _square(_array_shape(c.shapes[0]))[:-2]


def _slogdet(c):
    batch = _square(_array_shape(c.shapes[0]))[:-2]
    return Parts([batch, batch])


def _solve(c):
    a, b = _square(_array_shape(c.shapes[0])), _array_shape(c.shapes[1])
    if len(b) == 1:
        return broadcast(a[:-2], ()) + b if len(a) == 2 else a[:-1]
    return broadcast(a[:-2], b[:-2]) + b[-2:]


def _eigh(c):
    shape = _square(_array_shape(c.shapes[0]))
    return Parts([shape[:-1], shape])


def _qr(c):
    shape = _array_shape(c.shapes[0])
    m, n = shape[-2:]
    k = min(m, n)
    mode = c.param("mode", "reduced")
    batch = shape[:-2]
    if mode == "r":
        return batch + (k, n)
    if mode == "complete":
        return Parts([batch + (m, m), batch + (m, n)])
    return Parts([batch + (m, k), batch + (k, n)])


def _svd(c):
    shape = _array_shape(c.shapes[0])
    m, n = shape[-2:]
    k, batch = min(m, n), shape[:-2]
    if not c.param("compute_uv", True):
        return batch + (k,)
    if c.param("full_matrices", True):
        return Parts([batch + (m, m), batch + (k,), batch + (n, n)])
    return Parts([batch + (m, k), batch + (k,), batch + (k, n)])


def _lstsq(c):
    """(x, residuals, rank, s); the residuals are given only where a has full column rank, a value."""
    a, b = _array_shape(c.shapes[0]), _array_shape(c.shapes[1])
    m, n = a
    if m > n:
        return VALUES
    return Parts([(n,) + b[1:], (0,), (), (min(m, n),)])


# --- arrangements ---------------------------------------------------------------------------


def _reshape(c):
    shape = _array_shape(c.shapes[0])
    wanted = list(_ints(c.param("shape")))
    unknown = [i for i, n in enumerate(wanted) if n < 0]  # (NumPy takes any negative size for -1)
    if len(unknown) > 1:
        raise ShapeError("more than one unknown size in a reshape")
    if unknown:
        known = _size([n for n in wanted if n >= 0])
        if known == 0 or _size(shape) % known:
            raise ShapeError(f"cannot reshape {shape} into {tuple(wanted)}")
        wanted[unknown[0]] = _size(shape) // known
    if _size(wanted) != _size(shape):
        raise ShapeError(f"cannot reshape {shape} into {tuple(wanted)}")
    return tuple(wanted)


def _ravel(c):
    return (_size(_array_shape(c.shapes[0])),)


def _transpose(c):
    shape = _array_shape(c.shapes[0])
    axes = c.param("axes")
    if axes is None:
        return shape[::-1]
    axes = _axes(list(_ints(axes)), len(shape))
    if len(axes) != len(shape):
        raise ShapeError(f"axes {axes} of {shape}")
    return tuple(shape[i] for i in axes)


def _swapaxes(c):
    shape = list(_array_shape(c.shapes[0]))
    i, j = _axis(c.param("axis1"), len(shape)), _axis(c.param("axis2"), len(shape))
    shape[i], shape[j] = shape[j], shape[i]
    return tuple(shape)


def _moveaxis(c):
    shape = _array_shape(c.shapes[0])
    source = _axes(list(_ints(c.param("source"))), len(shape))
    destination = _axes(list(_ints(c.param("destination"))), len(shape))
    if len(source) != len(destination):
        raise ShapeError("source and destination of moveaxis differ in length")
    order = [i for i in range(len(shape)) if i not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return tuple(shape[i] for i in order)


def _expand_dims(c):
    shape = _array_shape(c.shapes[0])
    axis = c.param("axis")
    axes = _axes(list(_ints(axis)), len(shape) + len(_ints(axis)))
    result, rest = [], iter(shape)
    for i in range(len(shape) + len(axes)):
        result.append(1 if i in axes else next(rest))
    return tuple(result)


def _squeeze(c):
    shape = _array_shape(c.shapes[0])
    axis = c.param("axis")
    if axis is None:
        return tuple(n for n in shape if n != 1)
    if shape == () and not isinstance(axis, (tuple, list)) and axis in (0, -1):
        return ()  # (NumPy lets one number's axis 0 be squeezed, as a tuple of axes may not)
    axes = _axes(list(_ints(axis)), len(shape))
    if any(shape[i] != 1 for i in axes):
        raise ShapeError(f"squeeze of an axis of {shape} whose size is not 1")
    return tuple(n for i, n in enumerate(shape) if i not in axes)


def _broadcast_to(c):
    wanted = _ints(c.param("shape"))
    if broadcast(_array_shape(c.shapes[0]), wanted) != wanted:
        raise ShapeError(f"cannot broadcast {c.shapes[0]} to {wanted}")
    return wanted


def _atleast(rank):
    def shape_of(c):
        shape = _array_shape(c.shapes[0])
        if len(shape) >= rank:
            return shape
        if rank == 1:
            return (1,)
        if rank == 2:
            return (1,) * (2 - len(shape)) + shape
        return {0: (1, 1, 1), 1: (1,) + shape + (1,), 2: shape + (1,)}[len(shape)]
    return shape_of


def _operands(c, listed=False):
    """The arrays joined: each operand, the items of one list operand, or (``listed``: the one operand
    is what is joined) the rows of one array."""
    if len(c.shapes) == 1 and isinstance(c.shapes[0], Parts):
        return [_array_shape(s) for s in c.shapes[0]]
    if listed and len(c.shapes) == 1 and c.shapes[0]:
        return [c.shapes[0][1:]] * c.shapes[0][0]
    return [_array_shape(s) for s in c.given()]


def _joined(shapes, axis):
    if not shapes:
        raise ShapeError("nothing to join")
    if axis is None:
        return (sum(_size(s) for s in shapes),)
    rank = len(shapes[0])
    if rank == 0 or any(len(s) != rank for s in shapes):
        raise ShapeError(f"joining arrays of shapes {shapes}")
    axis = _axis(axis, rank)
    rest = {s[:axis] + s[axis + 1:] for s in shapes}
    if len(rest) != 1:
        raise ShapeError(f"joining arrays of shapes {shapes} along axis {axis}")
    first = shapes[0]
    return first[:axis] + (sum(s[axis] for s in shapes),) + first[axis + 1:]


def _listed(statement):
    """The statement of a join given one list, or one array whose rows it joins (``np.stack(hs)``)."""
    return lambda c: statement(c, listed=True)


def _concatenate(c, listed=False):
    return _joined(_operands(c, listed), c.param("axis", 0))


def _stack(c, listed=False):
    shapes = _operands(c, listed)
    if not shapes or len(set(shapes)) != 1:
        raise ShapeError(f"stacking arrays of shapes {shapes}")
    axis = _axis(c.param("axis", 0), len(shapes[0]) + 1)
    return shapes[0][:axis] + (len(shapes),) + shapes[0][axis:]


def _hstack(c, listed=False):
    shapes = [_atleast(1)(Call([s])) for s in _operands(c, listed)]
    return _joined(shapes, 0 if len(shapes[0]) == 1 else 1)


def _vstack(c, listed=False):
    return _joined([_atleast(2)(Call([s])) for s in _operands(c, listed)], 0)


def _dstack(c):
    return _joined([_atleast(3)(Call([s])) for s in _operands(c)], 2)


def _column_stack(c, listed=False):
    shapes = [s + (1,) if len(s) < 2 else s for s in (_atleast(1)(Call([s])) for s in _operands(c, listed))]
    return _joined(shapes, 1)


def _split_axis(default, array_split=False):
    """np.split and its kin along ``default`` (None: the second axis, the first of a vector);
    ``array_split``: sections of unequal lengths allowed."""
    def shape_of(c):
        shape = _array_shape(c.shapes[0])
        axis = c.param("axis", default) if default is not None else (1 if len(shape) > 1 else 0)
        axis = _axis(axis, len(shape))
        n = shape[axis]
        sections = c.param("indices_or_sections")
        if isinstance(sections, (int, np.integer)):
            k = int(sections)
            if k <= 0:
                raise ShapeError("split into no sections")
            if array_split:
                lengths = [n // k + 1] * (n % k) + [n // k] * (k - n % k)
            elif n % k:
                raise ShapeError(f"split of {n} into {k} equal sections")
            else:
                lengths = [n // k] * k
        else:
            bounds = [0] + [min(max(int(i) + (n if i < 0 else 0), 0), n) for i in sections] + [n]
            lengths = [max(0, b - a) for a, b in zip(bounds, bounds[1:])]
        return Parts([shape[:axis] + (length,) + shape[axis + 1:] for length in lengths])
    return shape_of


def _pad(c):
    shape = _array_shape(c.shapes[0])
    widths = np.broadcast_to(np.asarray(c.param("pad_width"), dtype=int), (len(shape), 2)) \
        if len(shape) else np.zeros((0, 2), int)
    return tuple(n + int(a) + int(b) for n, (a, b) in zip(shape, widths))


def _repeat(c):
    shape = _array_shape(c.shapes[0]) or (1,)  # (a number repeats as an array of one)
    repeats = np.asarray(c.param("repeats"))
    axis = c.param("axis")
    if axis is None:
        n = _size(shape)
        return (n * int(repeats.reshape(-1)[0]) if repeats.size == 1 else int(repeats.sum()),)
    axis = _axis(axis, len(shape))
    count = shape[axis] * int(repeats.reshape(-1)[0]) if repeats.size == 1 else int(repeats.sum())
    return shape[:axis] + (count,) + shape[axis + 1:]


def _windows(c):
    shape = list(_array_shape(c.shapes[0]))
    windows = _ints(c.param("window_shape"))
    axis = c.param("axis")
    axes = tuple(range(len(shape))) if axis is None else _ints(axis)
    if len(axes) != len(windows):
        raise ShapeError(f"{len(windows)} window sizes for {len(axes)} axes")
    for a, w in zip(axes, windows):
        a = _axis(a, len(shape))
        if w < 0 or shape[a] < w:
            raise ShapeError(f"a window of {w} along an axis of {shape[a]}")
        shape[a] -= w - 1
    return tuple(shape) + windows


def _bincount(c):
    x = np.asarray(c.param("x"))  # (as many counts as the largest integer given says, minlength at least)
    if x.ndim != 1:
        raise ShapeError("np.bincount counts a vector of integers")
    if _array_shape(c.shapes[0]) != x.shape:
        raise ShapeError(f"weights of shape {_array_shape(c.shapes[0])} for {x.shape} integers")
    return (max(int(x.max()) + 1 if x.size else 0, int(c.param("minlength", 0) or 0)),)


def _tile(c):
    shape = _array_shape(c.shapes[0])
    reps = _ints(c.param("reps"))
    n = max(len(shape), len(reps))
    shape, reps = (1,) * (n - len(shape)) + shape, (1,) * (n - len(reps)) + reps
    return tuple(a * b for a, b in zip(shape, reps))


def _rot90(c):
    shape = list(_array_shape(c.shapes[0]))
    i, j = (_axis(a, len(shape)) for a in c.param("axes", (0, 1)))
    if shape[i] != shape[j] and int(c.param("k", 1)) % 2:  # (turns of a square: k need not be a constant)
        shape[i], shape[j] = shape[j], shape[i]
    return tuple(shape)


def _diag(c):
    shape = _array_shape(c.shapes[0])
    k = int(c.param("k", 0))
    if len(shape) == 1:
        n = shape[0] + abs(k)
        return (n, n)
    if len(shape) != 2:
        raise ShapeError("np.diag of other than a vector or a matrix")
    return (_diagonal_length(shape[0], shape[1], k),)


def _diagonal_length(rows, columns, offset):
    return max(0, min(rows, columns - offset) if offset >= 0 else min(rows + offset, columns))


def _diagonal(c):
    shape = _array_shape(c.shapes[0])
    i, j = _axis(c.param("axis1", 0), len(shape)), _axis(c.param("axis2", 1), len(shape))
    rest = tuple(n for k, n in enumerate(shape) if k not in (i, j))
    return rest + (_diagonal_length(shape[i], shape[j], int(c.param("offset", 0))),)


def _trace(c):
    shape = _array_shape(c.shapes[0])
    i, j = _axis(c.param("axis1", 0), len(shape)), _axis(c.param("axis2", 1), len(shape))
    return tuple(n for k, n in enumerate(shape) if k not in (i, j))


def _take(c):
    shape = _array_shape(c.shapes[0]) or (1,)  # (a number is taken from as an array of one)
    indices = np.shape(c.param("indices"))
    axis = c.param("axis")
    if axis is None:
        return indices
    axis = _axis(axis, len(shape))
    return shape[:axis] + indices + shape[axis + 1:]


def _take_along_axis(c):
    shape = _array_shape(c.shapes[0])
    indices = np.shape(c.param("indices"))
    axis = c.param("axis")
    if axis is None:
        return indices
    if len(indices) != len(shape):
        raise ShapeError("take_along_axis with indices of another rank")
    axis = _axis(axis, len(shape))
    rest = broadcast(shape[:axis] + (1,) + shape[axis + 1:], indices[:axis] + (1,) + indices[axis + 1:])
    return rest[:axis] + (indices[axis],) + rest[axis + 1:]


def _insert(c):
    shape = _array_shape(c.shapes[0])
    values = _array_shape(c.shapes[1])
    obj = c.param("obj")
    axis = c.param("axis")
    if axis is None:
        shape, axis = (_size(shape),), 0
    axis = _axis(axis, len(shape))
    if np.ndim(obj) == 0:
        padded = (1,) * (len(shape) - len(values)) + values
        added = padded[0] if len(padded) else 1
    else:
        added = np.size(obj)
    return shape[:axis] + (shape[axis] + added,) + shape[axis + 1:]


def _delete(c):
    shape = _array_shape(c.shapes[0])
    axis = c.param("axis")
    if axis is None:
        shape, axis = (_size(shape),), 0
    axis = _axis(axis, len(shape))
    kept = np.delete(np.arange(shape[axis]), c.param("obj")).size
    return shape[:axis] + (kept,) + shape[axis + 1:]


def _append(c):
    shape, values = _array_shape(c.shapes[0]), _array_shape(c.shapes[1])
    axis = c.param("axis")
    if axis is None:
        return (_size(shape) + _size(values),)
    return _joined([shape, values], axis)


def _meshgrid(c):
    """The grid, once per input; ``sparse=True``: each input's part of it, of length 1 along the axes
    it does not vary along (``xy`` indexing swaps the first two)."""
    lengths = [_size(s) for s in _operands(c)]
    axes = list(range(len(lengths)))
    if c.param("indexing", "xy") == "xy" and len(lengths) > 1:
        lengths[0], lengths[1] = lengths[1], lengths[0]
        axes[0], axes[1] = 1, 0
    if c.param("sparse"):
        return Parts([tuple(n if k == axis else 1 for k, n in enumerate(lengths)) for axis in axes])
    return Parts([tuple(lengths)] * len(lengths))


def _full(c):
    wanted = _ints(c.param("shape"))
    fill = _array_shape(c.shapes[0])
    while len(fill) > len(wanted) and fill[0] == 1:  # (copied in as np.copyto does: leading 1s dropped)
        fill = fill[1:]
    if broadcast(fill, wanted) != wanted:
        raise ShapeError(f"cannot fill {wanted} with {c.shapes[0]}")
    return wanted


# --- indexing -------------------------------------------------------------------------------


def indexed(shape, key):
    """The shape of ``x[key]`` for ``x`` of ``shape`` (NumPy's basic and advanced indexing); VALUES
    where a boolean array selects (as many elements as hold True)."""
    if not isinstance(key, tuple):
        key = (key,)
    parts = []
    for part in key:
        if isinstance(part, range):
            part = list(part)
        if isinstance(part, list) or (isinstance(part, np.ndarray) and part.dtype != object):
            part = np.asarray(part)
            if part.dtype == bool:
                return VALUES
            if part.size and part.dtype.kind not in "iu":
                raise ShapeError("an index of other than integers or booleans")
        elif isinstance(part, (bool, np.bool_)):
            return VALUES
        parts.append(part)
    used = sum(1 for p in parts if p is not None and p is not Ellipsis)
    if sum(p is Ellipsis for p in parts) > 1:
        raise ShapeError("an index can only have a single ellipsis")
    arrays_in = any(isinstance(p, np.ndarray) for p in parts)
    advanced = [i for i, p in enumerate(parts) if isinstance(p, np.ndarray) or
                (arrays_in and isinstance(p, (int, np.integer)) and not isinstance(p, bool))]
    # (adjacent as written: an ellipsis or a None between two advanced indices parts them)
    adjacent = not advanced or advanced == list(range(advanced[0], advanced[-1] + 1))
    if used > len(shape):
        raise ShapeError(f"too many indices for an array of {len(shape)} dimensions")
    if Ellipsis in [p for p in parts if not isinstance(p, np.ndarray)]:
        at = next(i for i, p in enumerate(parts) if p is Ellipsis and not isinstance(p, np.ndarray))
        parts[at:at + 1] = [slice(None)] * (len(shape) - used)
    else:
        parts += [slice(None)] * (len(shape) - used)
    result, dims, where = [], iter(shape), None
    arrays = []
    for part in parts:
        if part is None:
            result.append(1)
            continue
        n = next(dims)
        if isinstance(part, np.ndarray) or arrays_in and isinstance(part, (int, np.integer)):
            array = np.asarray(part)
            if array.size and ((array >= n) | (array < -n)).any():
                raise ShapeError(f"index out of bounds for axis of size {n}")
            arrays.append(array.shape)
            if where is None:
                where = len(result)
            continue
        if isinstance(part, slice):
            result.append(len(range(*part.indices(n))))
        elif isinstance(part, (int, np.integer)):
            if not -n <= part < n:
                raise ShapeError(f"index {part} out of bounds for axis of size {n}")
        else:
            raise ShapeError(f"an index of type {type(part).__name__}")
    if arrays:
        picked = list(broadcast(*arrays))
        at = where if adjacent else 0
        result[at:at] = picked
    return tuple(result)


def _getitem(c):
    shape, key = c.shapes[0], c.param("index")
    if isinstance(shape, Parts) and not isinstance(key, (tuple, list, np.ndarray)):  # a list's item or slice
        if isinstance(key, slice):
            return Parts(shape[key])
        return shape[int(key)]
    return indexed(_array_shape(shape), key)


def _setitem(c):
    shape, key = c.shapes[0], c.param("index")
    if isinstance(shape, Parts):  # a list's item replaced
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            items = list(shape)
            items[int(key)] = c.shapes[1]
            return Parts(items)
        return VALUES
    return _array_shape(shape)


def _list_make(c):
    return Parts(c.shapes)


def _list_append(c):
    items = c.shapes[0]
    if not isinstance(items, Parts):
        raise ShapeError("appending to other than a list")
    return Parts(tuple(items) + (c.shapes[1],))


def _list_sum(c):
    items = c.shapes[0]
    if isinstance(items, Parts):
        return broadcast((), *[_array_shape(s) for s in items])
    return _array_shape(items)[1:]


def _list_pick(c):
    items = c.shapes[0]
    if isinstance(items, Parts):
        kinds = set(items)
        return next(iter(kinds)) if len(kinds) == 1 else VALUES
    return _array_shape(items)[1:]


_LIKE = {"zeros_like", "ones_like", "empty_like", "full_like"}


def compares_operands(tree, operands):
    """Whether the expression ``tree`` compares its ``operands`` operands (names) and numbers alone
    (``x > 0``, ``a <= b``): a result of their broadcast shape."""
    if not isinstance(tree, ast.Compare):
        return False
    leaves = [tree.left, *tree.comparators]
    names = [leaf for leaf in leaves if isinstance(leaf, ast.Name)]
    numbers = [leaf for leaf in leaves if isinstance(leaf, ast.Constant) and type(leaf.value) in (int, float)]
    return len(names) + len(numbers) == len(leaves) and len(names) == operands


def _inert(c):
    """A value without gradient (a comparison, np.zeros_like, np.argmax): stated for comparisons and
    logic of operands, and for arrays made of an operand's shape; the others' shapes are NumPy's, as
    the walk evaluates them (np.zeros(n), np.arange(n): sizes are values)."""
    tree = source.expression(c.source)  # (shared: read, never changed)
    if all(isinstance(s, tuple) for s in c.shapes) and compares_operands(tree, len(c.shapes)):
        return broadcast(*c.shapes)
    if isinstance(tree, ast.Call) and isinstance(tree.func, ast.Attribute) and tree.func.attr in _LIKE and \
            c.shapes and isinstance(c.shapes[0], tuple) and len(tree.args) >= 1 and \
            isinstance(tree.args[0], ast.Name) and not tree.keywords and len(c.shapes) == 1:
        return c.shapes[0]
    return VALUES


def _added_at(c):
    return _array_shape(c.shapes[0])


# --- the table ------------------------------------------------------------------------------

_UNARY_NUMPY = (
    "np.abs np.arccos np.arccosh np.arcsin np.arcsinh np.arctan np.arctanh np.cbrt np.conjugate np.cos "
    "np.cosh np.deg2rad np.exp np.exp2 np.expm1 np.fabs np.i0 np.log np.log10 np.log1p np.log2 np.negative "
    "np.positive np.rad2deg np.real np.reciprocal np.sigmoid np.sign np.sin np.sinc np.sinh np.sqrt np.square "
    "np.tan np.tanh np._erf np._erfc np._j0 np._j1 np._bessel_i1 np._log_ndtr np._ndtri np._gammaln np._digammas np.nan_to_num np.astype np.flip np.fliplr np.flipud "
    "np.roll np.unwrap np.fft.fftshift np.fft.ifftshift abs neg square sigmoid").split()
_BINARY = (
    "sub div mod pow builtins.pow np.add np.subtract np.multiply np.divide np.power np.float_power "
    "np.mod np.fmod np.maximum np.minimum np.fmax np.fmin np.hypot np.arctan2 np.copysign np.logaddexp "
    "np.logaddexp2 np._xlogy np._xlog1py np.where np.clip").split()
_REDUCTIONS = (
    "np.sum np.mean np.prod np.max np.min np.std np.var np.nansum np.nanmean np.nanmax np.nanmin np.ptp "
    "np.median np.logsumexp np.sum_square np.nanvar np.nanstd").split()

SHAPES = {
    **{name: same for name in _UNARY_NUMPY},
    **{name: elementwise for name in _BINARY},
    **{name: reduction for name in _REDUCTIONS},
    "add": _arithmetic, "mul": _arithmetic, "copy": _copy, "np.copy": _array_copy,
    "np.tril": _triangle, "np.triu": _triangle,
    "np.item": number,
    "math.log_base": number, "math.pow": number,
    "max": _either, "min": _either, "select": _either, "np.select_if": _either,
    "list_make": _list_make, "list_append": _list_append, "list_sum": _list_sum,
    "list_max": _list_pick, "list_min": _list_pick,
    "call": values, "inert": _inert,
    "getitem": _getitem, "setitem": _setitem, "np._added_at": _added_at, "np._maximum_at": _added_at, "np._minimum_at": _added_at,
    "np.cumsum": _cumulative, "np.cumprod": _cumulative,
    "np.add.accumulate": _accumulate, "np.add.reduceat": _reduceat,
    "np.maximum.reduceat": _reduceat, "np.minimum.reduceat": _reduceat, "np.multiply.reduceat": _reduceat,
    "np._put_along": _added_at, "np.multiply.accumulate": _accumulate,
    "np.maximum.accumulate": _accumulate, "np.minimum.accumulate": _accumulate, "np.logaddexp.accumulate": _accumulate,
    "np.sort": _sorted, "np.partition": _sorted,
    "np.matmul": _matmul, "np.dot": _dot, "np.inner": _inner, "np.outer": _outer, "np.kron": _kron,
    "np.tensordot": _tensordot, "np.einsum": _einsum, "np.vdot": _vdot, "np.cross": _cross,
    "np.convolve": _convolve, "np.polyval": _polyval, "np.interp": _interp, "np.vander": _vander,
    "np.cov": _cov, "np.diff": _diff, "np.gradient": _gradient, "np.average": _average,
    "np.linalg.norm": _norm, "np.linalg.inv": _inv, "np._expm": _inv, "np.linalg.pinv": _pinv, "np.linalg.det": _det,
    "np.linalg.slogdet": _slogdet, "np.linalg.solve": _solve, "np.linalg.eigh": _eigh,
    "np.linalg.qr": _qr, "np.linalg.svd": _svd, "np.linalg.cholesky": _inv,
    "np.linalg.matrix_power": _inv,
    "np.linalg.lstsq": _lstsq,
    "np.lib.stride_tricks.sliding_window_view": _windows, "np.bincount": _bincount,
    "np.reshape": _reshape, "np.ravel": _ravel, "np.transpose": _transpose, "np.swapaxes": _swapaxes,
    "np.moveaxis": _moveaxis, "np.expand_dims": _expand_dims, "np.squeeze": _squeeze,
    "np.broadcast_to": _broadcast_to, "np.atleast_1d": _atleast(1), "np.atleast_2d": _atleast(2),
    "np.atleast_3d": _atleast(3),
    "np.concatenate": _concatenate, "np.concatenate_list": _listed(_concatenate), "np.stack": _stack,
    "np.stack_list": _listed(_stack), "np.hstack": _hstack, "np.hstack_list": _listed(_hstack), "np.vstack": _vstack,
    "np.vstack_list": _listed(_vstack), "np.dstack": _dstack, "np.column_stack": _column_stack,
    "np.column_stack_list": _listed(_column_stack),
    "np.split": _split_axis(0), "np.array_split": _split_axis(0, array_split=True),
    "np.hsplit": _split_axis(None), "np.vsplit": _split_axis(0), "np.dsplit": _split_axis(2),
    "np.pad": _pad, "np.repeat": _repeat, "np.tile": _tile, "np.rot90": _rot90, "np.diag": _diag,
    "np.diagonal": _diagonal, "np.trace": _trace, "np.take": _take, "np.take_along_axis": _take_along_axis,
    "np.insert": _insert, "np.delete": _delete, "np.append": _append, "np.meshgrid": _meshgrid, "np.full": _full,
}


def check(table):
    """Raise ValueError where a rule of ``table`` states no shape (or a statement names no rule)."""
    for name in table:
        if name.startswith("math.") and name not in SHAPES:
            continue  # the math module's functions: numbers
        if name not in SHAPES:
            raise ValueError(f"rule {name!r} states no result shape (backgen.rules.result_shapes)")
    unknown = set(SHAPES) - set(table)
    if unknown:
        raise ValueError(f"shapes stated for no rule: {sorted(unknown)}")


def stated(rule, call):
    """The shape ``rule``'s result has for ``call`` (see the module's contract)."""
    statement = SHAPES.get(rule)
    if statement is None:
        if rule.startswith("math."):
            return ()
        raise KeyError(rule)
    try:
        return statement(call)
    except ShapeError:
        raise
    except (TypeError, ValueError, IndexError, KeyError, AttributeError) as exc:
        raise ShapeError(f"{type(exc).__name__}: {exc}") from None

