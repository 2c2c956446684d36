"""Values whose length the data decides: selections by a boolean mask, and what is made of them.

Contract: ``data_sized(staged) -> (sized, masks, partly, lengths)`` finds, in a
staged function, the values whose length depends on the data (``x[m]`` with
``m`` a boolean mask, indices ``np.nonzero`` finds, a bound ``int(s)`` makes of a
number, a helper's result marked so) with the masks that select them; the
masks (known by what they held on the sample run, or by how they are spelled);
the values selected otherwise on another path, which match no other selection;
and the numbers that are such lengths (``len(p)``).  ``reverse.check_sized``
refuses broadcasting between values whose lengths it cannot tell are equal:
where one element is selected NumPy broadcasts it, and code written for the
lengths seen would be wrong.  ``data_varying(staged, args)`` runs the staged
forward on other float data (all large, all negative, ordered) where an index
may depend on it, and gives the arrays whose shape changed: lengths the data
decides however the code spells them, which ``data_sized`` marks where nothing
else has.  ``data_numbers`` gives the numbers the values of floats or labels
decide (a slice bound of one is a length of its own); ``sized_axes`` the axes
along which each array's length changes on other data, masks and labels (a
selection meeting arrays without those axes broadcasts alike at every length).
``check_other_values`` refuses code written for the shape walk's values that
another run makes wrong (a rank, or the axes an operand broadcasts along): the
path the inputs take, other values of integer parameters, flags and modes,
other counts of a mask passed in, a helper's other calls.
"""

import ast
import collections
import re

import numpy as np

from . import ir, source
from .rules import RULES
from .rules.numpy_elementwise import RULES as NUMPY_ELEMENTWISE
from .errors import BackgenError
from .memory import layout_holds
from .shapes import Items, pattern_conflict, run_shapes


MASKS = {"logical_and", "logical_or", "logical_not", "logical_xor", "isnan", "isfinite", "isinf", "signbit"}
SELECTIONS = {"nonzero", "flatnonzero", "argwhere", "unique"}  # indices as many as the data says
COUNTS = {"int", "round", "floor", "ceil", "trunc",  # an integer of a number: x[:int(s)] as long as s says
          "int_", "intp", "int8", "int16", "int32", "int64", "uint", "uintp", "uint8", "uint16", "uint32", "uint64"}


def data_sized(staged, extra=None, axes=None):
    """``({name: origins}, masks, partly, lengths)``: the values whose length depends on the data, as selected
    by a boolean mask (or by indices ``np.nonzero`` finds, or up to a bound ``int(s)`` makes of a
    number) here or in a helper returning them, each with
    the masks that select it (a helper's call: its own); the masks (``_masks``); and those of the
    values that some line sets to a value of another length or selected otherwise (an if's other
    path, a loop's value before it), which are never of the same length as another selection for
    sure; and the numbers that are lengths the data decides (``len(p)``, ``int(np.sum(m))``), with
    their origins.  Values computed from them are marked too
    (an over-approximation: a reduction along another axis keeps the mark), numbers are not, nor
    arrays reducing all the axes of those lengths (``_data_axes``).  A
    helper's parameters its caller passes such a selection (``staged.sized_params``) are marked too,
    and so is each array whose shape another sample of the data changed (``shapes.data_varying``)
    that nothing else marked, with a length of its own (``extra``).  ``axes``, a dict where given, gets
    for each value marked the axes of its length the data decides where they are known (``X[m]``: its
    first; ``X[m] - mu``: the same), else None: a reduction over all of them (``mu = Xc.mean(axis=0)``,
    ``X[m].sum(axis=0)``) is of a shape the data does not decide, and is not marked."""
    extra = extra or {}
    axes = {} if axes is None else axes
    masks = _masks(staged)
    sized = {param: origins for param, origins in staged.sized_params if origins is not None}
    sized.update(extra)
    numbers = getattr(staged.shapes, "data_numbers", frozenset())  # (of the data: as slices' bounds, lengths)
    if not masks and not sized and not numbers and not getattr(staged.shapes, "data_varying", None) and not any(op.rule == "call" and op.param("sized") or op.rule in ("getitem", "setitem")
                             and index_origins(op, masks) for op in ir.ops_in(staged.body)):
        return sized, masks, frozenset(), {}  # (no mask, and no helper's selection by one: no length the data decides)
    exits = [(c, v.name if isinstance(v, ir.Var) else None) for loop in ir.loops_in(staged.body) for c, v in loop.exits]
    displays = _displays(staged)
    calls = {op.target: op for op in ir.ops_in(staged.body) if op.rule == "call" and op.param("sized")}
    boolean = getattr(staged.shapes, "boolean", frozenset())
    counts = {name for name, mask in masks.items()  # int(np.sum(m)), a count of the data; not a test, b[0] > 0
              if staged.shapes.get(name) == () and name not in boolean}
    lengths = {param: frozenset({masks[param]}) for param, origins in staged.sized_params  # a helper's parameter
               if origins is None and param in masks and staged.shapes.get(param) == ()}  # passed a length
    derived = set()  # numbers computed from masks or selections (np.sum(m))
    changed = True
    while changed:
        before = (dict(sized), dict(lengths), set(derived), dict(axes))
        unmarked = set()  # set by a line to a value of a length not selected
        made = collections.defaultdict(set)  # name -> the origins each line setting it gives it
        for op in ir.ops_in(staged.body):
            if staged.shapes.get(op.target) == ():  # a number: a length the data decides (len(p)), or not
                if op.reads() & (derived | set(sized) | set(lengths) | (set(masks) - counts)):
                    derived.add(op.target)
                length = frozenset({masks[op.target]}) if op.target in counts and op.target in derived else \
                    _length(op, sized, lengths, staged.shapes)  # (int(s) of a number the user passes: the
                # decorator keeps its code per value)
                if length:
                    lengths[op.target] = lengths.get(op.target, frozenset()) | length
                continue
            origins = frozenset(index_origins(op, masks)) if op.rule == "getitem" else \
                _taken_origins(op, masks, sized, staged) if op.rule in TAKING else frozenset()
            origins |= _made_of_lengths(op, lengths, sized, numbers)
            if op.rule == "getitem":  # indices of a length the data decides (x[order[m]]): as many rows
                origins |= frozenset().union(*(sized.get(part, frozenset())
                                               for part in ast.literal_eval(op.param("index_vars") or "()")))
            if op.rule == "call" and op.param("sized"):  # a helper returning a selection by a mask
                origins = frozenset().union(*_call_items(op).values())
            args = op.args[:1] if op.rule == "setitem" else op.args  # a write keeps its array's shape
            if op.rule == "call" and op.param("sized") is not None:  # a helper's results: marked there (its
                args = ()  # selections, the caller's it passes them on), else of the lengths it computes (p[-1] * q)
            if op.rule == "getitem" and _listed_rows(op.param("index")):  # a[[0, 0, 3]]: as many as listed
                args = args[1:]
            item = _display_item(op, displays)
            if item is not None:  # g[0] of g = (a, b): a's mark alone
                args = (item,)
            position = _call_item(op, calls, staged.shapes)
            if position is not None:  # s of s, t = helper(...): the mark of its own result alone
                args = args[1:]
                origins |= _call_items(calls[op.args[0].name], position).get(position, frozenset())
            for atom in args:
                if isinstance(atom, ir.Var):
                    origins |= sized.get(atom.name, frozenset())
            if op.rule == "np.select_if" and len({sized.get(a.name) if isinstance(a, ir.Var) else None
                                                  for a in op.args[1:]}) > 1:
                unmarked.add(op.target)  # (a if c else v: a selection on one path, of another length on the
                # other, as an if's paths setting it: never of the same length as another selection for sure)
            if op.rule == "getitem" and origins and _part_of_rows(op.param("index")):  # p[1:], p[:2] of a
                origins = frozenset({(f"[{op.param('index')}] of a selection", origins)})  # selection: a length
                # of its own, alike for the same part of values selected alike (p[1:] and q[1:])
                if _depth(origins) > _MAX_PARTS:  # (a = a[::-1] in a loop: parts of parts without end) a length
                    origins = frozenset({(f"{op.target} (of a length the data decides)", None)})  # of its own
            if not origins:  # (nothing to mark: most operations)
                unmarked.add(op.target)
                continue
            along = axes.get(item.name) if isinstance(item, ir.Var) and item.name in sized else \
                _data_axes(op, axes, sized, masks, staged.shapes)  # (g[0] of g = (a, b): a's axes)
            if along is not None and not along and staged.shapes.get(op.target) is not None:
                unmarked.add(op.target)  # (the axes of a length the data decides reduced away: mu = Xc.mean(0))
                continue
            if RULES[op.rule].broadcast and _fixed_by(op, sized, staged.shapes):
                unmarked.add(op.target)  # broadcast with arrays of known lengths along every axis: of those
                continue
            if origins and staged.shapes.get(op.target, ()) != ():
                sized[op.target] = sized.get(op.target, frozenset()) | origins
                made[op.target].add(origins)
                axes[op.target] = along if axes.get(op.target, along) == along else None
        for carried, value in exits:
            if value in sized:
                sized[carried] = sized.get(carried, frozenset()) | sized[value]
                made[carried].add(sized[value])
                along = axes.get(value)
                axes[carried] = along if axes.get(carried, along) == along else None
            else:  # a loop's value set to one of another length (the loop ran: not the selection before it)
                unmarked.add(carried)
        changed = (sized, lengths, derived) != before[:3] or axes != before[3]
    # selected otherwise on another path (p = b[m] or b[n], then p * c[m]): of the same length as nothing
    unmarked |= {name for name, origins in made.items() if len(origins) > 1}
    missing = {name: frozenset({(f"{name} (of a length the data decides)", None)})
               for name, (shape, _) in getattr(staged.shapes, "data_varying", {}).items()
               if name not in sized and name not in extra and shape != ()}
    if missing:  # (marked by what the data did, not how the code spells it: then what is made of them)
        axes.clear()
        return data_sized(staged, {**extra, **missing}, axes)
    return sized, masks, frozenset(name for name in sized if name in unmarked), lengths


_MAX_PARTS = 4  # parts of parts of a selection told apart (p[1:][:2]); deeper, each a length of its own


def _depth(origins):
    """How many parts deep the origins go (``[1:] of a selection`` of ``[:2] of a selection`` of m: 2)."""
    return max((1 + _depth(inner) for origin in origins if isinstance(origin, tuple) and len(origin) == 2
                for inner in (origin[1],) if isinstance(inner, frozenset)), default=0)


KEEPING = {"np.sort", "copy", "np.copy", "np.cumsum", "np.cumprod", "neg", "np.negative", "np.abs", "np.absolute"}


_NOT_ELEMENTWISE = frozenset({"np.cross", "np.broadcast_to", "np.einsum", "np.matmul"})  # (broadcast, but along
# some axes not element by element)


def axes_elementwise(op):
    """Whether ``op`` broadcasts its operands element by element along every axis (``+``, ``np.where``)."""
    rule = RULES.get(op.rule)
    return rule is not None and rule.broadcast and op.rule not in _NOT_ELEMENTWISE


def _data_axes(op, axes, sized, masks, shapes):
    """The axes of ``op``'s result whose length the data decides, where known from those of its operands
    (``axes``: a value marked that has none there is not known), else None.  Known: a selection by one
    mask (``X[m]``: its first axis), a part of a selection by slices and new axes (``p[:, None]``), an
    elementwise operation (each operand's axes, aligned to the result's right), a reduction along
    constant axes (those left; none where it reduces them all), a product of vectors and matrices
    (``Xc.T @ Xc``: the axes it contracts gone), a transpose and an operation keeping its operand's
    axes (``np.sort``, NumPy's functions element by element: ``np.tanh(p)``)."""
    rule = RULES.get(op.rule)
    read = [atom.name for atom in op.args if isinstance(atom, ir.Var) and atom.name in sized]
    known = {name: axes.get(name) for name in read}
    if op.rule == "getitem":
        index = op.param("index") or ""
        if not read and index in masks and shapes.get(index) and index_origins(op, masks):
            return frozenset({0})  # (X[m]: the elements the mask selects along the first axis)
        if read != [op.args[0].name] or known[read[0]] is None:
            return None
        return _sliced_axes(index, known[read[0]], len(shapes.get(read[0]) or ()), lambda n: shapes.get(n) == ()
                            and n not in masks and n not in getattr(shapes, "boolean", ()))  # (p[i]; not p[True])
    if any(along is None for along in known.values()) or rule is None:
        return None
    result = shapes.get(op.target)
    if not isinstance(result, tuple) or isinstance(result, Items):
        return None
    if axes_elementwise(op):
        along = set()
        for name in read:
            shape = shapes.get(name)
            if not isinstance(shape, tuple) or isinstance(shape, Items) or len(shape) > len(result):
                return None
            along |= {len(result) - len(shape) + k for k in known[name]}
        return frozenset(along)
    if op.rule in ("np.matmul", "np.dot") and len(op.args) == 2:  # a product contracts a's last axis, b's first
        ranks = [len(shape_of(atom, shapes)) for atom in op.args]
        if any(rank not in (1, 2) for rank in ranks) or len(result) != sum(ranks) - 2:
            return None
        first, second = (known.get(atom.name, frozenset()) if isinstance(atom, ir.Var) else frozenset()
                         for atom in op.args)
        return frozenset(({0} if ranks[0] == 2 and 0 in first else set()) |
                         ({len(result) - 1} if ranks[1] == 2 and 1 in second else set()))
    if len(read) != 1 or not isinstance(op.args[0], ir.Var) or op.args[0].name != read[0]:
        return None
    shape = shapes.get(read[0])
    if not isinstance(shape, tuple) or isinstance(shape, Items):
        return None
    rank = len(shape)
    if op.rule == "np.transpose" and len(op.args) == 1 and len(result) == rank:
        try:
            order = ast.literal_eval(op.param("axes") or "None")
        except (ValueError, SyntaxError):
            return None
        order = tuple(range(rank))[::-1] if order is None else order
        if not isinstance(order, tuple) or sorted(a % rank if isinstance(a, int) else None for a in order) != \
                list(range(rank)):
            return None
        return frozenset(i for i, a in enumerate(order) if a % rank in known[read[0]])
    if op.rule in KEEPING and len(result) == rank:
        return known[read[0]]
    if op.rule in NUMPY_ELEMENTWISE and tuple(result) == tuple(shape):  # np.tanh(p): element by element
        return known[read[0]]
    if "keepdims=False" in (rule.signature or "") and (rule.signature or "").startswith("a, axis=None"):
        try:
            axis = ast.literal_eval(op.param("axis") or "None")
            keep = ast.literal_eval(op.param("keepdims") or "False")
        except (ValueError, SyntaxError):
            return None
        if axis is None or not rank:
            return frozenset() if result == () else None
        reduced = {axis} if isinstance(axis, int) else set(axis) if isinstance(axis, tuple) else None
        if reduced is None or not all(isinstance(a, int) and -rank <= a < rank for a in reduced) or keep not in (True, False):
            return None
        reduced = {a % rank for a in reduced}
        left = known[read[0]] - reduced
        if keep:
            return frozenset(left)
        return frozenset(a - sum(1 for r in reduced if r < a) for a in left)
    return None


def _sliced_axes(index, along, rank, number=lambda name: False):
    """The axes of ``p[index]`` of a length the data decides, ``along`` those of ``p`` (of rank ``rank``),
    where the index is made of slices, new axes (None), one Ellipsis at most and integers (``p[0]``,
    ``p[i]``, ``p[i - 1]`` of names that are numbers, ``number(name)``: the axis they take is gone, and
    the row taken has the lengths of the axes left), else None."""
    try:
        node = ast.parse(f"_[{index}]", mode="eval").body.slice
    except SyntaxError:
        return None
    parts = list(node.elts) if isinstance(node, ast.Tuple) else [node]
    kinds = []
    for part in parts:
        if isinstance(part, ast.Slice):
            kinds.append("axis")
        elif isinstance(part, ast.Constant) and part.value is None:
            kinds.append("new")
        elif isinstance(part, ast.Constant) and part.value is Ellipsis:
            kinds.append("...")
        elif _integer_index(part, number):
            kinds.append("int")
        else:
            return None
    if kinds.count("...") > 1:
        return None
    taken = kinds.count("axis") + kinds.count("int")
    if taken > rank:
        return None
    if "..." in kinds:
        at = kinds.index("...")
        kinds[at:at + 1] = ["axis"] * (rank - taken)
    else:
        kinds += ["axis"] * (rank - taken)
    result, axis = set(), 0
    position = 0
    for kind in kinds:
        if kind == "axis" and axis in along:
            result.add(position)
        axis += kind in ("axis", "int")
        position += kind != "int"
    return frozenset(result)


def _integer_index(node, number):
    """Whether the index part ``node`` is an integer: literals and names that are numbers, with ``+``,
    ``-`` and ``*`` (``0``, ``-1``, ``i``, ``i - 1``)."""
    if isinstance(node, ast.Constant):
        return type(node.value) is int
    if isinstance(node, ast.Name):
        return number(node.id)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return _integer_index(node.operand, number)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)):
        return _integer_index(node.left, number) and _integer_index(node.right, number)
    return False


def _fixed_by(op, sized, shapes):
    """Whether the elementwise ``op``'s result has along each of its axes a length that an operand of
    no selection gives (of more than one element there: ``x[m] * W`` of ``W`` (4, 3)), and so the
    lengths of its selections do not decide its shape (``x[m] * c`` of ``c`` (1, 3) has ``x[m]``'s rows)."""
    result = shapes.get(op.target)
    if not isinstance(result, tuple) or not result:
        return False
    fixed = set()
    for atom in op.args:
        if isinstance(atom, ir.Var) and atom.name in sized:
            continue
        shape = shape_of(atom, shapes)
        fixed |= {len(result) - len(shape) + k for k, d in enumerate(shape) if d != 1}
    return fixed >= set(range(len(result)))


def _part_of_rows(index):
    """Whether the index ``index`` (text) takes part of the first axis by a slice with a bound or a step
    other than 1 or -1 (``1:``, ``:2``, ``::2``): of a selection, a length of its own (``p[:2]`` and
    ``p[1:]`` differ)."""
    try:
        node = ast.parse(f"_[{index}]", mode="eval").body.slice
    except SyntaxError:
        return True
    first = node.elts[0] if isinstance(node, ast.Tuple) and node.elts else node
    step = first.step if isinstance(first, ast.Slice) else None
    whole_step = step is None or source.number(step) in (1, -1)  # (p[::-1]: as long as p)
    return isinstance(first, ast.Slice) and (first.lower is not None or first.upper is not None or not whole_step)


def _length(op, sized, lengths, shapes):
    """The origins of the number ``op`` computes where it is a length the data decides: ``len(p)`` or
    ``p.shape[0]`` of a selection ``p`` (``p``'s own: an array of that length is selected alike), and
    a count of its own where it is computed from one otherwise (``len(p) - 1``, ``p.size``)."""
    read = op.reads()
    if not read & (set(sized) | set(lengths)):
        return frozenset()
    node = source.expression(op.source) if op.source else None
    of = _length_of(node)
    if of in sized and (of != _size_of(node) or len(shapes.get(of) or ()) == 1):
        return sized[of]
    if read & set(lengths) or any(_length_of(sub) in sized for sub in (ast.walk(node) if node is not None else ())):
        return frozenset({(f"{op.target} (a count of its own)", None)})
    return frozenset()  # (np.sum(p), p[0]: a number, not a length)


def _size_of(node):
    """``p`` of ``p.size`` or ``np.size(p)``, else None."""
    if isinstance(node, ast.Attribute) and node.attr == "size" and isinstance(node.value, ast.Name):
        return node.value.id
    if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "size" and len(node.args) == 1 \
            and isinstance(node.args[0], ast.Name) and not node.keywords:
        return node.args[0].id
    return None


def _length_of(node):
    """``p`` of ``len(p)``, ``p.shape[0]``, ``np.shape(p)[0]``, ``p.size`` or ``np.size(p)``, else None."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len" and \
            len(node.args) == 1 and isinstance(node.args[0], ast.Name):
        return node.args[0].id
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value == 0:
        shape = node.value
        if isinstance(shape, ast.Attribute) and shape.attr == "shape" and isinstance(shape.value, ast.Name):
            return shape.value.id
        if isinstance(shape, ast.Call) and getattr(shape.func, "attr", None) == "shape" and len(shape.args) == 1 \
                and isinstance(shape.args[0], ast.Name):
            return shape.args[0].id
    return _size_of(node)


CONSTRUCTORS = {"ones", "zeros", "empty", "arange"}  # np.ones(n), np.ones((n, 3)): a first axis of n


def _made_of_lengths(op, lengths, sized, numbers=frozenset()):
    """The origins of an array ``op`` makes of lengths the data decides (``np.ones(len(p))``: ``p``'s,
    its first axis that long; one of its own where such a length is read otherwise: ``np.full(3, n)``
    and ``x[:n]`` are marked too, but not ``X[n - 1]``, a row), or of other ``numbers`` the data
    decides as a slice's bound (``x[:n]`` with ``n = 1 + 3 * (np.max(b) > 5.0)``)."""
    if op.rule == "getitem" and (lengths or sized or numbers):  # a slice's bound (x[:n], x[:len(p)])
        node = source.expression(f"_[{op.param('index')}]") if op.param("index") else None
        bounds = [sub for part in (ast.walk(node.slice) if node is not None else ()) if isinstance(part, ast.Slice)
                  for sub in ast.walk(part)]
        if any(isinstance(sub, ast.Name) and (sub.id in lengths or sub.id in numbers) or _length_of(sub) in sized
               for sub in bounds):
            return frozenset({(f"{op.target} (made of a count)", None)})
        return frozenset()
    if not lengths or op.rule == "setitem":
        return frozenset()
    read = op.reads() & set(lengths)
    if not read:
        return frozenset()
    node = source.expression(op.source) if op.source else None
    if isinstance(node, ast.Call) and len(node.args) == 1 and getattr(node.func, "attr", None) in CONSTRUCTORS \
            and all(k.arg == "dtype" for k in node.keywords):
        first = node.args[0]
        if isinstance(first, ast.Tuple) and first.elts and node.func.attr != "arange":
            first = first.elts[0]
        if isinstance(first, ast.Name) and read == {first.id}:
            return lengths[first.id]
    return frozenset({(f"{op.target} (made of a count)", None)})


def _masks(staged):
    """``{name: mask}`` for the names holding a boolean mask (a comparison, ``~m``, ``m & n``, or any
    value the walk of the shapes saw index as booleans: ``np.greater(b, 0)``, ``(b > 0).copy()``, a
    mask taken from a list), indices found in the data (``np.nonzero(m)``) or an integer of a number
    (``int(np.sum(m))``, a bound), each as the text computing it and the innermost loop around it: two
    written alike in the same loop (or outside loops) are one (its values are named once).  A name set
    to another mask, or to none, on another path (an if's, a loop's) is a mask of its own, and so is a
    loop's variable holding booleans and a helper's parameter its caller passes a mask
    (``staged.sized_params``, origins None); not a parameter the user passes (the decorator keeps its
    code per count each selects: ``api._selected``)."""
    boolean = getattr(staged.shapes, "boolean", frozenset())
    sampled = getattr(staged.shapes, "sampled", False)
    passed = {param for param, origins in staged.sized_params if origins is None}
    if not boolean and not passed and not any(
            op.rule == "inert" and _selects(op, {}) for op in ir.ops_in(staged.body)):
        return {}  # (no mask anywhere: most functions)
    setters = collections.defaultdict(list)  # name -> (operation or a loop's value at its end, loop)
    for op, loop in _ops_in_loops(staged.body, None):
        setters[op.target].append((op, loop))
    variables = {}  # a loop's variable -> the loop
    for loop in ir.loops_in(staged.body):
        for carried, value in loop.exits:
            setters[carried].append((value, id(loop)))
        if loop.var:
            variables[loop.var] = id(loop)
    masks, known, busy = {}, {}, set()
    pending = {}  # a name decided while a value it feeds back was busy: none so far, in this walk only

    def own(name):  # a mask of its own, in the innermost loop setting it (its length may change there)
        loops = [loop for _, loop in setters.get(name, ()) if loop is not None]
        return f"{name} (its own)", variables.get(name, loops[0] if loops else None)

    def mask(name):
        if name in known:
            return known[name]
        if name in pending:
            return pending[name]
        if name in busy:  # (a loop feeding it back: whatever the name turns out to be, decided where it is
            return _FED_BACK  # not busy; a value fed back alone makes nothing a mask)
        busy.add(name)
        found = set()
        if name in staged.params:  # (one the user passes: the decorator's code is kept per count it selects;
            found.add(own(name) if name in passed or sampled and name in boolean else None)  # code for the
            # shapes declared is for every count)
        elif name not in setters:  # a loop's variable
            found.add(own(name) if name in boolean else None)
        for item, loop in setters.get(name, ()):
            if isinstance(item, ir.Var):  # a loop's value at its end
                found.add(mask(item.name))
            elif not isinstance(item, ir.Op):
                found.add(None)
            elif item.rule in ("copy", "np.copy", "getitem") and item.args and isinstance(item.args[0], ir.Var) \
                    and (item.rule != "getitem" or item.param("index_vars") in (None, "()")
                         and _items_or_number(staged.shapes.get(item.args[0].name))) \
                    and mask(item.args[0].name) is not None:  # (t[0] of t = np.nonzero(m), a copy; not M[0], a
                # row of a mask of rows, which selects fewer)
                found.add(mask(item.args[0].name))
            elif item.rule == "inert" and _selects(item, {}) or name in boolean:
                found.add((item.source, loop))
            else:
                found.add(None)
        busy.discard(name)
        fed_back = _FED_BACK in found
        found.discard(_FED_BACK)
        if found <= {None} and not (fed_back and name in boolean):
            if fed_back:  # (set to a value it feeds back and to no mask: none so far, asked again in the next
                pending[name] = None  # walk, where the value fed back is known)
                return None
            known[name] = None
        else:  # (a mask on one path and another value, or one fed back, on another: a mask of its own)
            known[name] = masks[name] = found.pop() if len(found) == 1 and not fed_back else own(name)
        return known[name]

    for name in list(setters) + list(staged.params) + list(variables):
        mask(name)
        pending.clear()
    return masks


_FED_BACK = ("(a value a loop feeds back)", None)  # what ``_masks`` finds of a name while deciding it


def _items_or_number(shape):
    """Whether a value of ``shape`` is a tuple or list (``np.nonzero(m)``), a number, or of no shape known."""
    return not shape or isinstance(shape, Items)


def _call_items(op, item=None):
    """``{position: origins}`` for the results of a helper's call ``op`` whose length the data decides
    (its ``sized``: ``position:group`` pairs, results selected alike in the helper sharing a group);
    ``item``: an item read of its one result, a tuple or list (``return t``), marked as its own."""
    label = f"{op.param('function')}() on line {op.line}"
    if isinstance(item, tuple):
        return {item: frozenset({(f"{label} (item {item[1]})", id(op))})}
    items = {}
    for pair in op.param("sized").split(","):
        position, _, group = pair.partition(":")
        items[int(position)] = frozenset({(f"{label} ({group})", id(op))})
    return items


def _call_item(op, calls, shapes):
    """The position of the result ``op`` reads (``parts[1]``) of a call in ``calls`` of several, else None;
    ``("item", k)`` where it reads item k of a call's one result that is a tuple or list."""
    if op.rule != "getitem" or not op.args or not isinstance(op.args[0], ir.Var) or op.args[0].name not in calls:
        return None
    try:
        index = ast.literal_eval(op.param("index") or "None")
    except (ValueError, SyntaxError):
        return None
    if type(index) is not int:
        return None
    if calls[op.args[0].name].param("outputs", "1") == "1":
        return ("item", index) if isinstance(shapes.get(op.args[0].name), Items) else None
    count = int(calls[op.args[0].name].param("outputs"))
    return index % count if -count <= index < count else None


def _displays(staged):
    """``{name: items}`` for each tuple or list written out (``g = (a, b)``) under a name no other
    line (and no loop) sets: an item read from it by a number is that item."""
    made, counts = {}, collections.Counter()
    for op in ir.ops_in(staged.body):
        counts[op.target] += 1
        if op.rule == "list_make":
            made[op.target] = op.args
    carried = {c for loop in ir.loops_in(staged.body) for c in loop.carried}
    return {name: items for name, items in made.items() if counts[name] == 1 and name not in carried}


def _display_item(op, displays):
    """The item ``op`` reads (``g[0]``, ``g[-1]``) of a display in ``displays``, else None."""
    if op.rule != "getitem" or not op.args or not isinstance(op.args[0], ir.Var) or op.args[0].name not in displays:
        return None
    try:
        index = ast.literal_eval(op.param("index") or "None")
    except (ValueError, SyntaxError):
        return None
    items = displays[op.args[0].name]
    if type(index) is not int or not -len(items) <= index < len(items):
        return None
    return items[index]


def _ops_in_loops(items, loop):
    """``(op, id of the innermost loop around it)`` for each operation."""
    for item in items:
        if isinstance(item, ir.Op):
            yield item, loop
        elif isinstance(item, ir.If):
            yield from _ops_in_loops(item.body + item.orelse, loop)
        else:
            yield from _ops_in_loops(item.body, id(item))


def _selects(op, masks):
    """Whether ``op`` makes a boolean mask (a comparison, ``~m``, ``m & n``), indices found in the
    data (``np.nonzero(m)``) or an integer of a number (``int(np.sum(m))``, a bound): an index by it
    selects as many elements as the data says."""
    if op.rule in ("copy", "getitem"):  # (t[0] of t = np.nonzero(m): the indices, m[0]: a mask too)
        return bool(op.args) and isinstance(op.args[0], ir.Var) and op.args[0].name in masks and (
            op.rule == "copy" or op.param("index_vars") in (None, "()"))
    try:
        node = ast.parse(op.source, mode="eval").body
    except SyntaxError:
        return False
    for sub in source.walk(node):
        if isinstance(sub, ast.Call) and _call_selects(sub):
            return True
    if isinstance(node, ast.Compare) or isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Invert, ast.Not)):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.BitOr, ast.BitXor)):
        return True
    if isinstance(node, ast.Call):
        func = node.func
        return (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")) in MASKS
    return False


def index_origins(op, masks):
    """The masks among the parts of ``op``'s index (a read ``x[m]`` or a write ``x[m] = v``), and the
    indices a part finds in the data itself (``x[np.flatnonzero(m)]``): two masks written alike in
    the same loop (or outside loops) are one (its values are named once)."""
    origins = set()
    whole = _whole_items(op.param("index"))
    for part in ast.literal_eval(op.param("index_vars") or "()"):
        if part in whole and _an_integer(masks[part][0] if part in masks else part, masks):
            continue  # x[int(s)]: one element wherever s puts it (an integer of an array: as many as it has)
        if part in masks:
            origins.add(masks[part])
            continue
        try:
            node = ast.parse(part, mode="eval").body
        except SyntaxError:
            continue
        if any(isinstance(sub, ast.Call) and _call_selects(sub) for sub in source.walk(node)):
            origins |= {masks[sub.id] for sub in source.walk(node) if isinstance(sub, ast.Name) and sub.id in masks} \
                or {(part, None)}
    return frozenset(origins)


TAKING = frozenset({"np.take", "np.take_along_axis"})  # (their indices a parameter of the call, not an operand)


_RESHAPING = frozenset({"getitem", "reshape", "np.reshape", "np.expand_dims", "copy", "np.copy", "np.ravel"})


def _taken_origins(op, masks, sized, staged):
    """The masks (and selections) the indices of ``np.take(a, indices)`` come from, as for an index
    (``np.take(a, np.flatnonzero(m), axis=0)``, ``np.take(a, n)`` of ``n`` such indices, or of them
    reshaped: ``n[:, None]``): as many as the data says; none for indices a number (one element
    wherever it points) or written out."""
    text = op.param("indices")
    if text is None:
        return frozenset()
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return frozenset()
    names = source.names_of(node)
    setters = {item.target: item for item in ir.ops_in(staged.body) if item.target in names}
    seen = set()
    while setters:  # (indices reshaped, a view of them: the same indices)
        name, setter = setters.popitem()
        seen.add(name)
        if setter.rule in _RESHAPING and setter.args and isinstance(setter.args[0], ir.Var) and \
                ast.literal_eval(setter.param("index_vars") or "()") == ():
            source_name = setter.args[0].name
            names.add(source_name)
            if source_name not in seen:
                setters.update({item.target: item for item in ir.ops_in(staged.body) if item.target == source_name})
    origins = {masks[name] for name in names if name in masks and not _an_integer(masks[name][0], masks)}
    if any(isinstance(sub, ast.Call) and _call_selects(sub) for sub in source.walk(node)):
        origins |= {(text, None)} if not origins else set()
    return frozenset(origins).union(*(sized.get(name, frozenset()) for name in names))


def _whole_items(index):
    """The items of an index written whole, outside any slice (``i`` in ``x[i, 1:n]``)."""
    node = source.expression(f"_[{index}]") if index else None
    if node is None:
        return set()
    items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    return {ast.unparse(item) for item in items if not isinstance(item, ast.Slice)}


def _an_integer(text, masks):
    """Whether ``text`` makes an integer of a number (``int(s)``, ``np.int64(k)``) of no selection
    (no mask, no indices found in the data): as an index item, one element (or as many as an array of
    them has)."""
    node = source.expression(text) if isinstance(text, str) else None
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Name) and func.id in ("int", "round") and len(node.args) == 1:
        return True  # (Python's int() and round() of one argument: a number, of an array of one element too)
    return (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")) in COUNTS and not any(
        isinstance(sub, ast.Call) and sub is not node and _call_selects(sub) or isinstance(sub, ast.Name) and sub.id in masks
        for sub in source.walk(node))


def _call_selects(call):
    """Whether ``call`` finds indices in the data (``np.nonzero(m)``, ``np.where(m)``) or makes an
    integer of a number (``int(s)``, ``round(np.sum(m))``), which may be a bound the data decides."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name in COUNTS and _of_literals(call):
        return False  # (int(np.prod((2, 4))): a number the code writes, as a loop over shapes written out gives)
    return name in SELECTIONS or name in COUNTS or name == "where" and len(call.args) == 1


_PURE = {"int", "round", "float", "abs", "min", "max", "prod", "sum", "ceil", "floor", "trunc", "sqrt"}


def _of_literals(call):
    """Whether the call ``call`` reads no variable: its arguments are numbers and tuples written out, and
    calls of arithmetic's functions (``int(np.prod((2, 4)))``, ``math.ceil``), the same on every input."""
    calls = [sub for sub in ast.walk(call) if isinstance(sub, ast.Call)]
    for sub in calls:
        func = sub.func
        if isinstance(func, ast.Attribute) and not (isinstance(func.value, ast.Name) and
                                                    func.value.id in ("np", "numpy", "math")):
            return False  # (np.random.rand(): not the same on every run)
        if (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)) not in _PURE:
            return False
    called = {id(sub.func) for sub in calls} | {id(sub.func.value) for sub in calls if isinstance(sub.func, ast.Attribute)}
    return not any(isinstance(sub, (ast.Name, ast.Attribute)) and id(sub) not in called for sub in ast.walk(call)
                   if not isinstance(sub, ast.Call))


def _listed_rows(index):
    """Whether an index picks its first axis's elements by a list written out (``[0, 0, 3]``, ``[[0, 1], :]``):
    as many as the list holds, whatever the length of the array read."""
    node = source.expression(f"_[{index}]") if index else None
    first = node.slice if node is not None else None
    if isinstance(first, ast.Tuple) and first.elts:
        first = first.elts[0]
    return isinstance(first, ast.List) and bool(first.elts) and all(
        isinstance(e, ast.Constant) and type(e.value) is int for e in first.elts)


def one_mask(op, masks, staged=None):
    """Whether ``op``'s index is one mask or the indices found in one (``x[m]``): no element twice.
    With ``staged``, not the indices along one axis of a mask of several (``r = np.nonzero(M)[0]`` of
    ``M`` of 2 axes names row ``i`` once for each element kept in it: ``x[r]``, ``x[r, 0]`` repeat)."""
    index = op.param("index")
    if index not in masks or ast.literal_eval(op.param("index_vars") or "()") != (index,):
        return False
    return staged is None or not one_axis_of_several(index, staged)


def one_axis_of_several(name, staged, depth=0):
    """Whether ``name`` is set (on some path, through copies) to one part of a tuple of several arrays
    of indices (``np.nonzero(M)[0]``, ``t[1]`` of ``t = np.where(M)`` with ``M`` of 2 axes)."""
    if depth > 16:
        return True
    for op in ir.ops_in(staged.body):
        if op.target != name or not op.args or not isinstance(op.args[0], ir.Var):
            continue
        source = op.args[0].name
        if op.rule == "getitem":
            whole = staged.shapes.get(source)
            if isinstance(whole, Items) and (not whole or whole[0] != 1):
                return True
        if op.rule in ("copy", "np.copy", "getitem") and one_axis_of_several(source, staged, depth + 1):
            return True
    return False


def shape_of(atom, shapes):
    if isinstance(atom, ir.Var):
        return tuple(shapes.get(atom.name, ()))
    return tuple(const_shape(atom, shapes))


def const_shape(atom, shapes):
    if atom.source in shapes:
        return shapes[atom.source]
    try:
        return getattr(ast.literal_eval(atom.source), "shape", ())
    except (ValueError, SyntaxError):
        return ()


_DATA_LENGTHS = re.compile(r"\b(nonzero|flatnonzero|argwhere|where|unique|take|take_along_axis|compress|extract|"
                           r"searchsorted|resize|repeat|delete|insert|trim_zeros|count_nonzero)\b")


_SIZES = re.compile(r"\.shape\b|\blen\(|\.size\b|\.ndim\b")
_SIZE_READS = re.compile(r"\blen\(\s*\w+\s*\)|\b\w+\.(shape|size|ndim)\b")


def _data_names(staged, args, counts=frozenset(), control=True):
    """The staged values the float data decides (and the parameters ``counts``): computed from a float
    parameter (but its sizes), or (``control``) set under a test of such a value (``k = 1 if b[0] > 1.0
    else 3``, a count a data-tested loop raises), as a loop's variable over such values."""
    data = {p for p, a in zip(staged.params, args) if isinstance(a, float) or
            isinstance(a, np.ndarray) and a.dtype.kind == "f"} | set(counts)
    params = set(staged.params)

    def reads(text):
        return source.line_names(text) & data if text else set()

    def walk(items, tested):
        tested = tested and control
        for item in items:
            if isinstance(item, ir.Op):
                read = item.reads() & data
                sizes = _SIZES.search(item.source or "") and (read <= params or not control and not (
                    reads(_SIZE_READS.sub("", item.source)) & read))  # (a parameter's shape: given; any shape
                # where a test of the data is not followed: a selection's length is its mask's, see data_sized)
                if tested or read and not sizes:
                    data.add(item.target)
            elif isinstance(item, ir.If):
                inner = tested or bool(reads(item.test))
                walk(item.body, inner)
                walk(item.orelse, inner)
            elif isinstance(item, ir.Loop):
                inner = tested or bool(reads(item.test)) or bool(reads(item.iterable))
                if item.var and (tested or reads(item.iterable) and not item.iterable.startswith(("range(",
                                                                                             "reversed(range("))):
                    data.add(item.var)
                walk(item.body, inner)
                data.update(carried for carried, value in item.exits  # (what it leaves with: as many
                            if inner and control or isinstance(value, ir.Var) and value.name in data)  # iterations
                # as the data says)
    for _ in range(3):  # (a loop's values fed back)
        before = len(data)
        walk(staged.body, False)
        if len(data) == before:
            break
    return data


def _ordered_sample(value, low, high, order):
    """A sample like ``value`` (a float or float array) of values from ``low`` to ``high`` in order
    (``order`` -1: the other way); anything else as it is."""
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return np.linspace(low, high, value.size)[::order].reshape(value.shape) if value.size else value.copy()
    if type(value) is float:
        return float(low)
    return value


def data_numbers(staged, args, shapes):
    """The numbers the data decides: computed from float parameters (but their sizes) or the values
    of integer arrays (labels: ``C = y.max() + 1``).
    As a slice's bound they make a length of their own (``data_sized``), whatever value the samples
    gave them: ``n = 1 + 3 * (np.max(b) > 5.0)`` is 1 on every sample in 0.5 to 3 and 4 beyond."""
    if staged.mode != "numpy":
        return frozenset()
    labels = {p for p, a in zip(staged.params, args) if isinstance(a, np.ndarray) and a.dtype.kind in "iu"}
    return frozenset(name for name in _data_names(staged, args, labels, control=False) - set(staged.params)
                     if shapes.get(name) == ())  # (what a test of the data sets otherwise on each path: the
    # walk's second path, and the data net, see)


def data_varying(staged, args, shapes, functions=None):
    """The arrays whose shape differs when the staged forward runs on other float data of the same
    shapes (all large, all negative, in order) than on ``args``: lengths the data decides however the
    code spells them (``b[:np.sum(b > 1.0)]``, ``b[np.argwhere(b > 1.0)[:, 0]]``), which ``data_sized``
    marks where it has not.  Only where an index reads an array (``shapes``: the values' shapes on
    ``args``) or a value the float data decides, or a call finds indices (not loop counters and sizes
    alone)."""
    if staged.mode != "numpy":
        return {}
    data = _data_names(staged, args)
    if not any(_DATA_LENGTHS.search(op.source or "") or op.rule in ("getitem", "setitem") and any(
            len(shapes.get(part) or ()) > 0 or part in data  # an array as an index, or a number of the data
            for part in ast.literal_eval(op.param("index_vars") or "()")) for op in ir.ops_in(staged.body)):
        return {}  # (indices of loop counters and sizes alone: lengths the code gives)
    varying = {}
    first = run_shapes(staged, args, functions) or {}
    for low, high, order in ((2.0, 3.0, 1), (-2.0, -3.0, 1), (-1.5, 1.5, -1)):  # (the samples lie in 0.5 to
        # 1.5, in no order: a test of the data selects otherwise on all large, all negative, or ordered values)
        again = run_shapes(staged, tuple(_ordered_sample(a, low, high, order) for a in args), functions) or {}
        varying.update({name: (shape, again[name]) for name, shape in first.items()
                        if name in again and again[name] != shape and name not in varying})
    return varying


def layout_varies(staged, args, functions=None):
    """The line of a reshape ``staged.layouts`` takes as the view the shapes make it (a view of any array)
    that other float data of the same shapes (all large, all negative, in order, as ``data_varying``
    tries) makes none (``n = 1 + 2 * int(x[0, 0] > 0)``, then ``x.reshape(n, -1)``); else None."""
    for low, high, order in ((2.0, 3.0, 1), (-2.0, -3.0, 1), (-1.5, 1.5, -1)) if staged.layouts else ():
        again = run_shapes(staged, tuple(_ordered_sample(a, low, high, order) for a in args), functions)
        for condition, line in staged.layouts if again else ():
            if not layout_holds(condition, again):
                return line
    return None


def check_other_values(staged, shapes, args, integers=(), functions=None, also=(), selections=(), settings=()):
    """Refuse code written for the walk's ``shapes`` that the path the inputs ``args`` take makes wrong
    (a length a branch or loop sets as a number, ``n = 1 if c else len(x)``, the walk having taken
    another), or other values of integer parameters (the positions ``integers``: ``k: int``, sampled at
    one value, for every value of it): a value of another rank, or an operand broadcast along other
    axes (``b[:k - 2] * c`` with ``c: "5"``: one element at the sample, broadcast; five at ``k = 7``,
    not).  For integers, the staged forward runs at small values and at values near the sizes given,
    where lines that read them (or what is computed from them) decide a shape.  ``also``: other
    arguments the code must hold for (a helper's, at its other calls); what is computed from the
    parameters ``selections`` (a helper's, passed selections) is left to the backward's own checks;
    ``settings``: the positions of flags and modes (``flag=True``, ``mode="first"``) the code is written
    for every value of, each run at its other values (``_other_settings``).  A mask the user passes
    is run at other counts of several (the decorator keeps code per count: none, one, several)."""
    if staged.mode != "numpy":
        return
    args = tuple(args)
    body = "\n".join(staged.lines[staged.line:])  # (the function's lines after its def)
    settings = [i for i in settings if re.search(rf"\b{staged.params[i]}\b", body)]  # (the flags and modes
    # the function reads: flag=False, mode="all")
    counts = {staged.params[i] for i in integers}
    lengths = _data_names(staged, args, counts) - _data_names(staged, args) if counts else set()
    tests = [item.iterable or item.test or "" for item in ir.loops_in(staged.body)]  # (range(k): a count)
    if lengths and not any(op.reads() & lengths for op in ir.ops_in(staged.body)) and \
            not any(source.line_names(test) & lengths for test in tests if test):
        lengths = set()  # (what the integers decide)
    selecting = [i for i, (p, a) in enumerate(zip(staged.params, args)) if isinstance(a, np.ndarray) and
                 a.dtype.kind == "b" and a.ndim and any(p in ast.literal_eval(op.param("index_vars") or "()")
                                                        for op in ir.ops_in(staged.body) if op.rule == "getitem")]
    if not lengths and not also and not selecting and not settings and \
            not getattr(shapes, "forks", False):
        return
    parts = [(op.target, op.param("index")) for op in ir.ops_in(staged.body) if op.rule == "setitem"]
    runs = [(args, "the path the inputs take")] + [(other, "another call of it") for other in also]
    if lengths:
        sample = ", ".join(f"{staged.params[i]} = {args[i]}" for i in integers)
        runs = [(tuple(count if i in integers else a for i, a in enumerate(args)),
                 ", ".join(f"{staged.params[i]} = {count}" for i in integers) + f" (sampled at {sample})")
                for count in _other_counts(staged, args, integers)] + runs
    exempt = set(getattr(shapes, "data_varying", {})) | _made_from(staged, set(selections)) | \
        set(staged.path_outputs)  # (each path's output, of the path's shape: the walk notes one)
    # (selections, and what a helper computes from those its callers pass: the backward checks them itself)
    for i in settings:  # each setting's other values (one at a time): the path each takes, the numbers each gives
        for value in _other_settings(staged, args[i]):
            runs.append((args[:i] + (value,) + args[i + 1:], f"{staged.params[i]} = {value!r}"))
    for i in selecting:  # a mask the user passes (code kept per count: none, one, several): other counts of
        mask = args[i]  # several (y = x[m], then y[1:] * y[:2]: one item against two at two, two at three)
        count = int(np.count_nonzero(mask))
        if count < 2:
            continue
        for other_count in sorted({2, 3, 4, 5, 6, mask.size} - {count}):
            if other_count > mask.size:
                continue
            other = np.zeros(mask.size, dtype=bool)
            other[:other_count] = True
            runs.append((args[:i] + (other.reshape(mask.shape),) + args[i + 1:],
                         f"a mask {staged.params[i]} selecting {other_count} items"))
    for sample, where in runs:
        sample = tuple(a.copy() if isinstance(a, np.ndarray) else a for a in sample)  # (a forward may write into
        again = run_shapes(staged, sample, functions, parts)                            # its parameters)
        for condition, line in staged.layouts if again else ():  # a reshape taken as a view, a copy there:
            if not layout_holds(condition, again):  # staged again without it (``program``)
                error = BackgenError(f"this reshape gives a view of its array only where that is C-contiguous in "
                                     f"memory (a copy otherwise), which at {where} depends on the arrays passed in",
                                     staged.filename, line, None,
                                     staged.lines[line - 1] if 0 < line <= len(staged.lines) else None)
                error.layout_line = line
                raise error
        conflict = again and pattern_conflict(staged, shapes, again, exempt)
        if not conflict:
            continue
        line, what, one, another = conflict
        number = line if 0 < line <= len(staged.lines) else None
        error = BackgenError(
            f"{what} has shape {another} at {where}, but the code is written for {one}: backgen writes code for "
            "one pattern of shapes (ranks, and which sizes are 1) per value, on every path"
            + ("; use the decorator, which writes code for the integers it is called with, or give the length "
               "as a size of the arrays" if "sampled at" in where else ""),
            staged.filename, number, None, staged.lines[number - 1] if number else None)
        if staged.shape_free and getattr(shapes, "numbers_first", None):  # (a loop's number, which it runs
            error.varying_shape = "loop"  # no iteration to make an array: as its other changes of shape)
        if where != "the path the inputs take":  # a helper called on that line given a setting (_reduce(loss,
            error.inline_helpers = tuple(dict.fromkeys(  # reduction)), whose paths give values of their own
                op.param("function") for op in ir.ops_in(staged.body)  # shapes: written out in its caller,
                if op.rule == "call" and op.line == line))  # where each path is followed (``inline``)
        raise error


def _made_from(staged, names):
    """``names`` and the staged values computed from them."""
    made = set(names)
    for _ in range(3) if made else ():  # (a loop's values fed back)
        for op in ir.ops_in(staged.body):
            if op.reads() & made:
                made.add(op.target)
    return made


def _other_settings(staged, value):
    """Other values of a setting: a flag's other; for a string, the strings the function's lines write."""
    if isinstance(value, (bool, np.bool_)):
        return [not value]
    if isinstance(value, str):
        found = re.findall(r"""(['"])([A-Za-z_][\w-]*)\1""", "\n".join(staged.lines))
        return [text for text in dict.fromkeys([*(t for _, t in found), value + "_other"]) if text != value][:8]
    return []


def _other_counts(staged, args, integers, most=24):
    """Values to try for integer parameters besides the sample's: their defaults, small ones, and each
    size of the arrays given and near it, its double and half (``x[:k - 2]`` against a (5,) array: 7)."""
    sizes = sorted({d for a in args if isinstance(a, np.ndarray) for d in a.shape})
    near = {d + c for d in sizes for c in (-2, -1, 1, 2)} | {2 * d for d in sizes} | {d // 2 for d in sizes}
    sample = {args[i] for i in integers}
    defaults = [int(d) for d in staged.defaults if d.isdigit()]  # (their source text)
    counts = [c for c in [*defaults, 0, 1, 2, 5, 8, *sizes, *sorted(near)] if c >= 0 and c not in sample]
    return list(dict.fromkeys(counts))[:most]


def sized_axes(staged, args, functions=None):
    """``{name: axes}``: for each array, the axes (none: an empty set) along which its length changed when the staged
    forward ran again on other data (all large, all negative, ordered floats), masks the user passes
    selecting one item more or fewer, and other labels (all 0, all 1).  A selection by a mask
    (``X[m]``, its rows) then meets an array that has none of those axes (``X[m] @ W + b``: ``b``
    broadcast along the rows whatever their number) as it meets any: ``reverse.check_sized`` asks."""
    if staged.mode != "numpy":
        return {}
    args = tuple(args)
    variants = [tuple(_ordered_sample(a, low, high, order) for a in args)
                for low, high, order in ((2.0, 3.0, 1), (-2.0, -3.0, 1), (-1.5, 1.5, -1))]
    for i, value in enumerate(args):
        if isinstance(value, np.ndarray) and value.ndim and value.dtype.kind == "b":
            for flipped in (True, False):
                at = np.flatnonzero(value.ravel() == (not flipped))
                if len(at):
                    other = value.copy()
                    other.ravel()[at[0]] = flipped
                    variants.append(args[:i] + (other,) + args[i + 1:])
        elif isinstance(value, np.ndarray) and value.ndim and value.dtype.kind in "iu":
            for label in (0, 1):
                variants.append(args[:i] + (np.full_like(value, label),) + args[i + 1:])
    first = run_shapes(staged, args, functions) or {}
    axes = {name: frozenset() for name in first}  # (an array no variant changed: none)
    for sample in variants:
        again = run_shapes(staged, tuple(a.copy() if isinstance(a, np.ndarray) else a for a in sample),
                           functions) or {}
        for name, shape in first.items():
            other = again.get(name)
            if other is not None and len(other) == len(shape) and other != shape:
                axes[name] = axes[name] | {k for k, (d, e) in enumerate(zip(shape, other)) if d != e}
    return axes
