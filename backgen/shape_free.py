"""The backward of NumPy code whose shapes are not given: one code for every shape.

Contract: ``write(forward, unknown, declared, attempt, needed)`` returns the
``ir.Program`` that ``attempt(probe_specs, unknown)`` writes (``program`` with
``shape_free=unknown``) on sample arrays of several ranks: every parameter of
``unknown`` an array of each shape of ``PROBES`` in turn (but one whose shape it unpacks,
``N, C, H, W = x.shape``, or gives ``np.einsum`` by subscripts written out, ``"nchw,fc->nfhw"``, of
that rank alone), integer labels first
as vectors (a label unpacked into k names, ``src, dst = edge_index``, of k rows).  Where the forward runs at none of them, it tries labels of those
shapes too, then parameters used only in arithmetic as numbers and size-one
arrays, then mixed ranks (1 to 3 each for up to three parameters, 1 and 2 for
up to six; labels vectors, then of those ranks too), then each label a matrix beside the others
vectors (a batch's negatives ``negs`` of (B, K), read as ``W_out[negs]`` beside ``W_in[centers]``); where
arrays turned a loop's numbers into arrays at every one, first those the loop adds into a number it carries
(``t = 0.0``, then ``t += dt`` in it: ``loop_number_feeders``) as numbers alone, the rest arrays of every rank; then (or
where a number became an array on one path of an if, or could not be written into one
element of an array) all as numbers, but where arrays could not be written into one element, first those
written so (``A[i, i] += lam``: ``element_feeders``) numbers and the rest arrays of every rank, fitted to the
sizes the code writes, where arrays of every rank so fitted run at none (the code then checks that it is given
numbers), those it indexes (itself or in a helper it passes them to, ``kalman_forward(ys, q, r)``)
first kept arrays of every rank, then lists or vectors of
numbers (all of them where it indexes all: the code then checks it is given those); but where arrays
make a list of numbers a loop fills one of arrays, which ``op=`` writes into
(rebinds, at numbers), the shapes are asked for.  The code written must be the same at every rank the forward runs
at (a forward written for one rank runs at that one only), else the shapes are
asked for (the error ``needed(reason)`` makes).  Where the forward runs at no sample and some
failed on their sizes (``np.ones((3, 4)) * x``, ``x.reshape(4, 3)``, ``x.dot(w)`` of w's first axis
another size), all of it is tried again with each sample that fails given the sizes the failing
operations ask for (``sample_sizes``: every axis first a size of its own, then made to agree
with the sizes the code writes and the axes the operations tie), at the same ranks.  The rules themselves write
forms valid for every rank and broadcast (``GradContext`` in its shape-free
form), and the passes after them decide by rank-independent rules
(``surely_number``), so the samples decide only whether the code runs.

How the forward uses a parameter says what kind of sample it takes
(``uses``): a count (``range(T)``, a slice bound ``x[:k]``, a size
``np.zeros(N)``) is an integer and a label (an index, ``x[np.arange(N), y]``,
``W[idx]``) an integer array, whose values and rank the samples vary like any
array's: neither is differentiated; a parameter compared in a test
(``if reg > 0:``) is a number.

``item_lists(staged, params, passed)`` says which parameters the code iterates may be lists or
tuples of arrays of several shapes (autograd's ``[(W1, b1), (W2, b2)]``): those read only by
single items, slices and ``len`` (their items likewise, as deep as they are indexed); the
backward gives each a gradient of the same form, and its loops over their items make each
adjoint in the shape its value has in that iteration (``reverse_flow``).
"""

import ast
import dataclasses
import itertools
import math
import re

from . import displayed, emit, ir, source
from .docshapes import ANY_RANK
from .element_numbers import element_feeders
from .errors import BackgenError
from .helper_ranks import helper_unpacked_ranks
from .integral_args import integral_params
from .mask_params import mask_params
from .sample_sizes import Sizes, about_sizes
from .shapes import Spec, bounded_memory
from .stacked_params import stacked_params
from .source import number, walk, names_of

# The shapes a shape-free backward is written on (rank 4 smaller: products of them have rank 6, 8...).
PROBES = ((6, 6), (6, 6, 6), (4, 4, 4, 4))

# The bytes of memory a program written on sample arrays may take beyond what the process holds: the
# samples are small, but code of one rank may grow its values' ranks at another (y = y + np.dot(y, W)
# in a loop, y and W of rank 3, adds axes at every step), and half the machine is too much to spend.
SAMPLE_ROOM = 1 << 28

# The most parameters of no given shape whose ranks are tried in every mix (3 ** 3, 2 ** 6 samples).
MIXED_MAX = 6

# The most runs a sample's sizes are fitted to the code in (each follows one failing operation).
MAX_FITS = 8

# The most elements a sample array whose sizes are fitted may start with (sizes of its own take room).
FIT_ROOM = 1 << 20

# The most runs at fitted sizes one function's samples take in all (each writes the program once): past them
# a failing sample stays failed, so that code the samples cannot fit is refused in seconds, not minutes.
MAX_FIT_RUNS = 80

# Calls whose arguments are counts or sizes (np.zeros(N), np.eye(C), range(T), np.bincount's minlength): the
# positions of those arguments (None: all of them) and their keywords.
SIZE_CALLS = {"range": (None, ()), "zeros": ((0,), ("shape",)), "ones": ((0,), ("shape",)),
              "empty": ((0,), ("shape",)), "full": ((0,), ("shape",)), "eye": ((0, 1, 2), ("N", "M", "k")),
              "identity": ((0,), ("n",)), "tri": ((0, 1, 2), ("N", "M", "k")), "arange": (None, ()), "linspace": ((2,), ("num",)),
              "pad": ((1,), ("pad_width",)), "split": ((1,), ("indices_or_sections",)),
              "array_split": ((1,), ("indices_or_sections",)), "hsplit": ((1,), ("indices_or_sections",)),
              "vsplit": ((1,), ("indices_or_sections",)), "dsplit": ((1,), ("indices_or_sections",)),
              "bincount": ((2,), ("minlength",)), "hanning": ((0,), ("M",)), "hamming": ((0,), ("M",)),
              "blackman": ((0,), ("M",)), "bartlett": ((0,), ("M",)), "kaiser": ((0,), ("M",)),
              "fftfreq": ((0,), ("n",)), "rfftfreq": ((0,), ("n",))}


def uses(func, names):
    """``{name: "count" | "label" | "number"}`` for those of ``names`` the function uses as
    integers or numbers: a count where a number of items or a slice bound is expected, a label
    where an index is (also ``np.take``'s, ``np.take_along_axis``'s and ``np.add.reduceat``'s indices, and the
    classes ``np.unique`` and ``np.bincount`` are given), a number where a test compares it
    (``if reg > 0:``, never an array), a ``math`` function takes it (``math.lgamma(a)``), ``float`` takes it
    (``float(n)``) or ``int`` takes it rounded (``int(np.floor(x))``), unless
    the function gives the name a new value (the test may read that one), and where the code gives
    it a number when it is None (``if reg is None: reg = 0.0``).  A name set to a parameter's item,
    or looping over them, makes the parameter a label where it is used as a label or a count
    (``L = lengths[i]``, then ``k[i, :L]``: lengths holds integers), as one whose elements are read there
    (``range(indptr[i], indptr[i + 1])``, ``x[offsets[b]:offsets[b + 1]]``, ``np.split(x, offsets[1:])``);
    but one whose values it truncates to integers and subtracts those from (``i = x.astype(int)``, then
    ``t = x - i``) holds numbers, no label."""
    kinds, sources, joined = {}, _reshaped_from(func), _joined_from(func)
    asked = set(names)
    looped = _looped_items(func, asked, set(sources))
    for name, parts in _filled_from(func, asked | set(looped) | set(sources)).items():  # ext = [blank]; for c
        joined[name] = joined.get(name, []) + [sources.get(part, part) for part in parts]  # in labels: ext +=
        # [c, blank]; then lp[t, ext[s]]: labels holds labels
    names = asked | set(sources) | set(joined) | set(looped)  # (a label's reshaped copy makes its source a
    # label; so does a join of it, row = np.concatenate([src, loop]), each part of the join)
    rebound = {node.id for node in walk(func) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    numbers = names - rebound  # (a test or math may read a rebound name's new value: W = v[0]; if W > 0.7)
    made = _made_of(func)
    integral = set()  # the names a count is read from where only integers are taken (range(n), x[:k], np.zeros(n))

    def counts(name, seen=()):  # a size made of names (d = E // H, H = num_heads): each is an integer
        yield name
        for part in made.get(name, ()):
            if part not in seen:
                yield from counts(part, seen + (name,))
    for node in walk(func):
        if isinstance(node, ast.If) and _none_test(node.test) in names and any(  # if reg is None: reg = 0.0
                isinstance(stmt, ast.Assign) and [getattr(t, "id", None) for t in stmt.targets] == [_none_test(
                    node.test)] and isinstance(stmt.value, ast.Constant) and type(stmt.value.value) in (int, float)
                for stmt in node.body):
            kinds.setdefault(_none_test(node.test), "number")
        if isinstance(node, (ast.If, ast.While, ast.IfExp)):
            for name in _plain_names(node.test):
                if name in numbers and name not in kinds:
                    kinds[name] = "number"
        if isinstance(node, ast.Call):
            loose = (node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")) == \
                "arange"  # (np.arange(lo, hi) takes floats too: no sign its bounds' arrays hold integers)
            for name in (name for arg in _size_arguments(node) for part in _counted(arg) for name in counts(part)):
                _mark(kinds, names, name, "count")
                if not loose:
                    integral.add(name)
            if not loose:  # range(indptr[i], indptr[i + 1]), np.split(x, offsets[1:]): indptr holds integers
                for name in (name for arg in _size_arguments(node) for name in _elements_counted(arg)):
                    _mark(kinds, names, name, "label")
            if (isinstance(node.func, ast.Attribute) and node.func.attr == "at" or isinstance(node.func, ast.Name)
                    and node.func.id in ("_added_at", "_maximum_at", "_minimum_at", "_put_along")) and len(node.args) >= 2:  # np.add.at(out, groups, x): groups index out
                index = node.args[1].elts if isinstance(node.args[1], ast.Tuple) else [node.args[1]]
                for part in index:
                    part = part.value if isinstance(part, ast.Subscript) else _listed(part)
                    if isinstance(part, ast.Name):
                        _mark(kinds, names, part.id, "label")
            if _class_call(node):  # np.unique(y), np.bincount(y): y holds labels (integers)
                _mark(kinds, names, node.args[0].id, "label")
            if isinstance(node.func, ast.Attribute) and node.func.attr == "reduceat":  # np.add.reduceat(msg,
                for part in node.args[1:2] + [k.value for k in node.keywords if k.arg == "indices"]:  # indptr[:-1])
                    name = _reshaped_name(part)
                    if name is not None:
                        _mark(kinds, names, name, "label")
            if isinstance(node.func, ast.Attribute) and node.func.attr in ("take_along_axis", "take"):
                method = node.func.attr == "take" and not (isinstance(node.func.value, ast.Name) and
                                                           node.func.value.id in ("np", "numpy"))
                given = node.args[0 if method else 1:1 if method else 2] + \
                    [k.value for k in node.keywords if k.arg == "indices"]  # (np.take(W, idx), W.take(idx))
                for part in given:  # np.take_along_axis(log_p, y[:, None], axis=1): y holds labels
                    name = _reshaped_name(part)
                    if name is not None:
                        _mark(kinds, names, name, "label")
            if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) and \
                    node.func.value.id == "math":  # math.lgamma(a): math takes numbers, never arrays
                for name in (name for arg in node.args for name in _plain_names(arg)):
                    if name in numbers and name not in kinds:
                        kinds[name] = "number"
            if isinstance(node.func, ast.Name) and node.func.id == "float" and len(node.args) == 1 and \
                    not node.keywords and isinstance(node.args[0], ast.Name):  # float(n): a number, never an array
                if node.args[0].id in numbers and node.args[0].id not in kinds:  # (of several elements)
                    kinds[node.args[0].id] = "number"
            for name in _rounded_to_int(node):  # int(np.floor(x)): a number rounded to an index, never an array
                if name in numbers and name not in kinds:
                    kinds[name] = "number"
        elif isinstance(node, ast.Slice):
            for name in (name for bound in (node.lower, node.upper, node.step) for name in _counted(bound)):
                _mark(kinds, names, name, "count")
                integral.add(name)
            for name in (name for bound in (node.lower, node.upper, node.step) for name in _elements_counted(bound)):
                _mark(kinds, names, name, "label")  # x[offsets[b]:offsets[b + 1]]: offsets holds integers
        elif isinstance(node, ast.Subscript):
            index = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            for part in _ix_parts(index):  # y, or y[i] in scores[y[i]], y.ravel(): y holds labels
                part = part.value if isinstance(part, ast.Subscript) else _listed(part)
                name = part.id if isinstance(part, ast.Name) else _reshaped_name(part) \
                    if isinstance(part, ast.Call) else None
                if name is not None:
                    _mark(kinds, names, name, "label")
                for name in _offset_names(part) + _join_names(part):  # E[n_users + pos], W[np.r_[o, negs]]:
                    _mark(kinds, names, name, "label")  # integers, pos and negs labels
    for name in [n for n in kinds if n in joined]:  # row = np.concatenate([src, loop]) a label: so are its parts
        kind = kinds.pop(name) if name not in asked else kinds[name]
        if kind == "label":
            for part in joined[name]:
                _mark(kinds, names, part, kind)
    for name in [n for n in kinds if n in sources]:  # y_flat = y.reshape(N * T) a label: so is y; and an
        source, kind = sources[name], kinds.pop(name)  # element a count (start = indptr[i], then range(start,
        if (kind == "label" or kind == "count" and name in integral) and kinds.get(source) is None and \
                source in asked:  # end); L = lengths[i], then k[i, :L]): y holds integers
            kinds[source] = "label"
    for name in [n for n in kinds if n in looped]:  # for tok in src: ... for tok in tgt: E[tok]: both hold labels
        kind = kinds.pop(name)
        for source in looped[name] if kind == "label" or kind == "count" and name in integral else ():
            if kinds.get(source) is None:
                kinds[source] = "label"
    params = {a.arg for a in func.args.args}
    replaced = {node.targets[0].id for node in walk(func) if isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id in params
                and node.targets[0].id not in names_of(node.value)}
    for name in replaced:  # x = y.reshape(N * T), then probs[..., x]: the index reads the new value, not x's
        if kinds.get(name) == "label":
            del kinds[name]
    for name in _fractions_read(func, [n for n, kind in kinds.items() if kind == "label" and n in params], sources,
                                looped):  # i = int(xs[k]), then t = xs[k] - i: xs holds numbers, not labels
        del kinds[name]
    return kinds


def _fractions_read(func, names, sources, looped):
    """Those of ``names`` (parameters) whose values, or items, the function truncates to integers and
    subtracts those integers from (``i = x.astype(int)``, then ``t = x - i``; ``i = int(p[0])``, then ``p[0] -
    i``, of ``for p in pts``): a fraction read of values, which an index cannot hold: numbers, not labels."""
    if not names:
        return set()

    def owner(node):  # the parameter whose value or items node reads (pts of p[0], of p in pts), or None
        while isinstance(node, ast.Subscript):
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        items = looped.get(node.id, ())
        return sources.get(node.id, next(iter(items)) if len(items) == 1 else node.id)

    def truncated(value):  # the parameter int(v), v.astype(int) or np.floor(v).astype(int) reads, or None
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "int" and \
                len(value.args) == 1:
            value = value.args[0]
        elif isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "astype":
            value = value.func.value
        else:
            return None
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in _ROUNDINGS \
                and len(value.args) == 1:  # (np.floor(x).astype(int))
            value = value.args[0]
        return owner(value)
    cuts = {}  # the names bound to a parameter's values truncated: i of i = x.astype(int)
    for node in walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
            pairs = zip(target.elts, value.elts) if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) \
                and len(target.elts) == len(value.elts) else [(target, value)]
            for t, v in pairs:
                if isinstance(t, ast.Name):
                    cuts[t.id] = truncated(v) if t.id not in cuts else None  # (bound once)
    wanted = set(names)
    return {owner(node.left) for node in walk(func) if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub)
            and isinstance(node.right, ast.Name) and cuts.get(node.right.id) is not None
            and cuts[node.right.id] == owner(node.left) in wanted}


_ROUNDINGS = frozenset({"floor", "ceil", "round", "rint", "trunc", "fix", "around"})


def _rounded_to_int(call):
    """The names ``int(np.floor(x + dx))`` (or ``np.ceil``, ``np.round``..., through any of them) surely
    reads as themselves: a number made an integer, which an array of several elements cannot be; none
    of ``int(n)`` alone (a count may be given so)."""
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "int"
            and len(call.args) == 1 and not call.keywords):
        return []
    arg, rounded = call.args[0], False
    while isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr in _ROUNDINGS and \
            isinstance(arg.func.value, ast.Name) and len(arg.args) == 1 and not arg.keywords:
        arg, rounded = arg.args[0], True
    return _plain_names(arg) if rounded else []


def _offset_names(node):
    """The names an index negates, adds, subtracts, multiplies or takes remainders of (``-k``, ``n_users +
    pos``, ``i - 1``, ``x % V``, ``(a * 31 + b) % buckets`` within an index: integers, as NumPy indexes with
    no float), or bounds (``np.maximum(x, 0)``, ``np.clip(x, 0, V - 1)``, a padding id made a valid one),
    outside other calls and subscripts; none of an index that is no such expression."""
    if any(isinstance(n, ast.Constant) and isinstance(n.value, str) for n in walk(node)):
        return []  # (a key joined, params["W" + suffix], holds no integers)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Mod, ast.FloorDiv)):
        parts = [node.left, node.right]
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):  # x[..., -k]: k counts from the end
        parts = [node.operand]
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            node.func.attr in ("maximum", "minimum", "clip") and isinstance(node.func.value, ast.Name) and \
            node.func.value.id in ("np", "numpy") and not node.keywords:
        parts = node.args
    else:
        return []
    return [name for side in parts for name in
            ([side.id] if isinstance(side, ast.Name) else _offset_names(side))]


_JOIN_CALLS = frozenset({"concatenate", "hstack", "append"})


def _joined_from(func):
    """``{name: parameters}`` for the names bound once to a join of parameters' elements and other values
    (``row = np.concatenate([src, loop])``, ``cand = np.concatenate([[pos], negs])``, ``np.hstack``,
    ``np.append(src, loop)``, ``np.r_[context, negs]``), whose elements are those parameters' (or those of
    names set to them, reshaped, sliced or by items)."""
    params = {a.arg for a in func.args.args}
    sources = _reshaped_from(func)
    stores = {}
    for node in walk(func):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            stores[node.id] = stores.get(node.id, 0) + 1
    found = {}
    for node in walk(func):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and stores.get(node.targets[0].id) == 1 and node.targets[0].id not in params):
            continue
        names = [sources.get(name, name) for name in _join_names(node.value)]
        names = [name for name in names if name in params]
        if names:
            found[node.targets[0].id] = names
    return found


def _filled_from(func, candidates):
    """``{name: names}`` for the lists (or arrays) bound once and then only grown or written into by items
    of ``candidates`` (``ext = [blank]``, then ``ext += [c, blank]``, ``ext.append(int(c))``,
    ``ext.extend([c, 0])``, ``ext[2 * i + 1] = labels[i]``, ``ext[1::2] = labels``): the names whose
    elements the list's are (besides constants)."""
    params = {a.arg for a in func.args.args}
    binds, found, other = {}, {}, set()

    def parts_of(value):
        items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
        names = []
        for item in items:
            if isinstance(item, ast.Call) and isinstance(item.func, ast.Name) and item.func.id == "int" and \
                    len(item.args) == 1:
                item = item.args[0]
            if isinstance(item, ast.Constant):
                continue
            name = _reshaped_name(item)
            if name is None:
                return None
            names.append(name)
        return names

    def add(name, value):
        names = parts_of(value)
        if names is None:
            other.add(name)
        else:
            found.setdefault(name, []).extend(names)
    for node in walk(func):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            binds[node.id] = binds.get(node.id, 0) + 1
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and isinstance(node.op, ast.Add):
            binds[node.target.id] = binds.get(node.target.id, 0) - 1  # (counted as a store above)
            add(node.target.id, node.value)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr in ("append", "extend") and isinstance(node.func.value, ast.Name) and \
                len(node.args) == 1 and not node.keywords:
            add(node.func.value.id, node.args[0])
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript) \
                and isinstance(node.targets[0].value, ast.Name):
            add(node.targets[0].value.id, node.value)
    return {name: [part for part in parts if part in candidates] for name, parts in found.items()
            if binds.get(name) == 1 and name not in other and name not in params and
            any(part in candidates for part in parts)}


def _join_names(value):
    """The names a join's parts are (``src`` of ``np.concatenate([src, loop])``, ``pos`` and ``negs`` of
    ``np.concatenate([[pos], negs])``, ``np.hstack``, ``np.append(src, loop)``, ``np.r_[context, negs]``);
    none where ``value`` is no such join."""
    parts = []
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in _JOIN_CALLS and \
            isinstance(value.func.value, ast.Name) and value.func.value.id in ("np", "numpy") and value.args:
        first = value.args[0]
        parts = value.args[:2] if value.func.attr == "append" else \
            first.elts if isinstance(first, (ast.List, ast.Tuple)) else []
    elif isinstance(value, ast.Subscript) and isinstance(value.value, ast.Attribute) and value.value.attr == "r_" \
            and isinstance(value.value.value, ast.Name) and value.value.value.id in ("np", "numpy"):
        parts = value.slice.elts if isinstance(value.slice, ast.Tuple) else [value.slice]
    elif isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add) and _list_join(value):
        parts = _list_join(value)  # [pos] + list(negs), [pos] + negs.tolist(): lists joined
    names = []
    for part in parts:
        part = part.elts[0] if isinstance(part, (ast.List, ast.Tuple)) and len(part.elts) == 1 else part
        name = _reshaped_name(part)  # (np.atleast_1d(negs), as np.r_ is written out, src[:, None])
        if name is not None:
            names.append(name)
    return names


def _ix_parts(index):
    """The parts of an index, those of ``np.ix_(rows, cols)`` (an open mesh of them) read as its parts."""
    parts = []
    for part in index:
        if isinstance(part, ast.Call) and isinstance(part.func, ast.Attribute) and part.func.attr == "ix_" and \
                isinstance(part.func.value, ast.Name) and part.func.value.id in ("np", "numpy") and not part.keywords:
            parts += part.args
        else:
            parts.append(part)
    return parts


def _list_join(node):
    """The parts of a join of lists (``[pos] + list(negs)``, ``[pos] + negs.tolist()``, ``xs + [v]``), each
    list written out read as its items, ``list(a)`` and ``a.tolist()`` as ``a``; [] where ``node`` joins
    no list written out or made of a name so."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _list_join(node.left), _list_join(node.right)
        return left + right if left and right else []
    if isinstance(node, ast.List):
        return list(node.elts) or [node]
    if isinstance(node, ast.Call) and not node.keywords and isinstance(node.func, ast.Name) and \
            node.func.id == "list" and len(node.args) == 1:
        return [node.args[0]]
    if isinstance(node, ast.Call) and not node.keywords and not node.args and \
            isinstance(node.func, ast.Attribute) and node.func.attr == "tolist":
        return [node.func.value]
    return [node] if isinstance(node, ast.Name) else []


def _listed(node):
    """``y`` of ``np.array(y)`` or ``np.asarray(y)`` (an index made of y's values, ``probs[range(N),
    np.asarray(y)]``); else ``node``."""
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords and \
            isinstance(node.func, ast.Attribute) and node.func.attr in ("array", "asarray") and \
            isinstance(node.func.value, ast.Name) and node.func.value.id in ("np", "numpy"):
        return node.args[0]
    return node


def _reshaped_name(node):
    """``y`` of ``y``, ``y[:, None]``, ``np.expand_dims(y, 1)``, ``y.reshape(-1, 1)``: the name whose
    values an index made of it reads, else None."""
    while True:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr in ("expand_dims", "reshape", "squeeze", "ravel", "atleast_1d", "atleast_2d"):
            if isinstance(node.func.value, ast.Name) and node.func.value.id in ("np", "numpy"):
                if not node.args:
                    return None
                node = node.args[0]
            else:
                node = node.func.value
        else:
            return None


def _made_of(func):
    """``{name: names}`` for the names set once to integer arithmetic of names (``H = num_heads``,
    ``d = E // H``): a size made of such a name is made of those."""
    made, once = {}, {}
    for node in walk(func):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            once[node.id] = once.get(node.id, 0) + 1
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and isinstance(node.value, (ast.Name, ast.BinOp)) and \
                all(isinstance(n, (ast.Name, ast.BinOp, ast.Constant, ast.operator, ast.Load))
                    for n in walk(node.value)):
            made[node.targets[0].id] = _counted(node.value)
    return {name: parts for name, parts in made.items() if once.get(name) == 1}


def labels(forward, params, depth=3):
    """The parameters ``forward`` indexes with, itself or in the helpers it passes them to, as they
    are, reshaped, sliced or by element (``softmax_loss(scores, y)``, ``embed(captions[:, :-1], W)``,
    ``p(y[i])`` of ``p = lambda k: probs[k]``)."""
    found = {name for name, kind in uses(forward.func, params).items() if kind == "label"}
    if depth == 0:
        return found
    derived = {name: source for name, source in _reshaped_from(forward.func).items() if source in params}

    def param_passed(arg):  # (the argument a name, or its elements: p(f_i, y[i]) of p = lambda f_i, k: f_i[k])
        arg = arg.value if isinstance(arg, ast.Subscript) else arg
        if isinstance(arg, ast.Name) and derived.get(arg.id, arg.id) in params:
            return derived.get(arg.id, arg.id)
        return None
    for helper, passed in passed_to_helpers(forward, param_passed):
        inner = labels(helper, list(passed), depth - 1)
        found |= {name for param, name in passed.items() if param in inner}
    return found


def _sliced(node):
    """Whether ``node`` indexes with slices only (``y[:, :-1]``, ``y[1:]``): its elements are y's."""
    parts = node.elts if isinstance(node, ast.Tuple) else [node]
    return all(isinstance(part, ast.Slice) for part in parts)


def _reshaped_from(func):
    """``{name: parameter}`` for the names set to a parameter reshaped (``y.reshape(N * T)``,
    ``np.ravel(y)``, ``y.T``) or sliced (``y[:, 1:]``), or, bound once, to its items (``for i in ids``,
    ``last = ids[-1]``, ``i, j = edges[:, 0], edges[:, 1]``, unpacked: ``a, b = edges.T``, ``i, j = E[k]``,
    ``for i, j in edges``), or to a list of its items or of their parts (``list(y)``, read as ``for item in y:
    items.append(item)``; ``centers, contexts = zip(*batch)``, read as ``for item in batch:
    centers.append(item[0])``), whose elements are the parameter's (or those of such a name: ``for j in row``)."""
    params = {a.arg for a in func.args.args}
    found = {}
    stores = {}
    for node in walk(func):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            stores[node.id] = stores.get(node.id, 0) + 1

    def bind(target, source):
        if isinstance(source, ast.Name) and (source.id in params or source.id in found) and target not in params:
            found[target] = found.get(source.id, source.id)
    sourced = {}  # name -> how many of its bindings give it another name's elements (x_v = x[::-1])
    for node in walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and \
                isinstance(_source_of(node.value, stores.get(node.targets[0].id) == 1), ast.Name):
            sourced[node.targets[0].id] = sourced.get(node.targets[0].id, 0) + 1
    for node in walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if sourced.get(node.targets[0].id, 0) == stores.get(node.targets[0].id):  # (a name bound to
                bind(node.targets[0].id, _source_of(node.value, stores.get(node.targets[0].id) == 1))  # other
            # values too, x_v = W.shape[1] after x_v = x[::-1], holds those elements on some paths only)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], (ast.Tuple, ast.List)):  # i, j = edges[:, 0], edges[:, 1]
            targets = node.targets[0].elts
            if all(isinstance(t, ast.Name) and stores.get(t.id) == 1 for t in targets):
                if isinstance(node.value, (ast.Tuple, ast.List)) and len(node.value.elts) == len(targets):
                    for target, value in zip(targets, node.value.elts):
                        bind(target.id, _source_of(value, True))
                elif not isinstance(node.value, (ast.Tuple, ast.List, ast.Starred)):  # a, b = edges.T; i, j = E[k]:
                    source = node.value if isinstance(node.value, ast.Name) else _source_of(node.value, True)
                    for target in targets:  # (its items, whose elements are the parameter's)
                        bind(target.id, source)
        elif isinstance(node, (ast.For, ast.comprehension)):  # for i in ids: E[i] (its items, as zip and
            for target, source in _items_iterated(node.target, node.iter):  # enumerate give them; and for j
                if (source in params or source in found) and target not in params and stores.get(target) == 1:
                    found[target] = found.get(source, source)  # (in row, of row in y; a name bound once)
            if isinstance(node, ast.For) and isinstance(node.target, ast.Name) and isinstance(node.iter, ast.Name) \
                    and (node.iter.id in params or node.iter.id in found) and len(node.body) == 1 and not node.orelse:
                call = node.body[0].value if isinstance(node.body[0], ast.Expr) else None  # items.append(item) of
                item = call.args[0] if isinstance(call, ast.Call) and len(call.args) == 1 else None
                item = item.value if isinstance(item, ast.Subscript) else item  # (or of its part: item[0], as
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "append" \
                        and isinstance(call.func.value, ast.Name) and call.func.value.id not in params and \
                        isinstance(item, ast.Name) and item.id == node.target.id:  # zip(*batch) is written out)
                    found[call.func.value.id] = found.get(node.iter.id, node.iter.id)  # for item in y: list(y)
    return found


def _looped_items(func, params, found):
    """``{name: parameters}`` for the names, not parameters nor already ``found``, that only loops
    bind, each looping over the items of a parameter (``for tok in src``, then ``for tok in tgt``):
    an item of each of those parameters in turn."""
    binds = {}
    for node in walk(func):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            binds[node.id] = binds.get(node.id, 0) + 1
    looped, loops = {}, {}
    for node in walk(func):
        if isinstance(node, ast.For) and isinstance(node.target, ast.Name) and isinstance(node.iter, ast.Name) \
                and node.iter.id in params:
            looped.setdefault(node.target.id, set()).add(node.iter.id)
            loops[node.target.id] = loops.get(node.target.id, 0) + 1
    return {name: sources for name, sources in looped.items()
            if loops[name] == binds.get(name) and name not in params and name not in found}


def _source_of(value, once):
    """The name ``value`` reshapes (``y.reshape(N * T)``, ``np.ravel(y)``, ``y.T``, ``np.array(faces)``), repeats
    (``np.repeat(u, k)``, ``np.tile(u, k)``) or slices
    (``y[:, 1:]``), or, where the name it is bound to is bound ``once``, of which it picks an item (``ids[t]``, as a
    loop over ``enumerate(ids)`` is written out, ``int(e[0])``), some elements by place (``indptr[i + 1]``,
    ``src[dst == v]``: ``_picks``) or columns (``edges[:, 0]``, ``F[:, [0, 1]]``), or
    whose parts alone it joins, sorts or takes the distinct rows of (``np.concatenate([F[:, [0, 1]], F[:, [1,
    2]]])``, ``np.unique(np.sort(E, axis=1), axis=0)``), or of which ``np.where`` takes elements beside a whole
    number (``np.where(valid, y, 0)``, an ignored label made a valid index): its elements are that name's.
    Else None."""
    if isinstance(value, ast.Attribute) and value.attr == "T":
        return value.value
    if isinstance(value, ast.Subscript) and (_sliced(value.slice) or (_items_of(value.slice) or _picks(value.slice))
                                             and once):  # (end = indptr[i + 1], an offset; nbrs = src[dst == v])
        return value.value
    if not isinstance(value, ast.Call):
        return None
    func = value.func
    is_module = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("np", "numpy")
    if isinstance(func, ast.Attribute) and func.attr in ("reshape", "ravel", "flatten", "astype", "copy", "array",
                                                         "asarray", "repeat", "tile"):  # (np.repeat(u, k): each
        if func.attr in ("array", "asarray") and not is_module:  # user beside its k negatives)
            return None
        return value.args[0] if is_module and value.args else None if is_module else func.value
    if isinstance(func, ast.Name) and func.id == "int" and len(value.args) == 1 and once:
        return _source_of(value.args[0], once)
    if is_module and func.attr == "where" and len(value.args) == 3 and not value.keywords:  # np.where(valid, y,
        picked = [arg for arg in value.args[1:] if type(number(arg)) is not int]  # 0): y's elements, or a constant
        if len(picked) == 1 and isinstance(picked[0], ast.Name):
            return picked[0]
    if is_module and func.attr in _JOINS and value.args:  # (the parts of one name alone, or numbers)
        first = value.args[0]
        parts = first.elts if func.attr in _JOINS_OF_PARTS and isinstance(first, (ast.List, ast.Tuple)) else [first]
        sources = [part if isinstance(part, ast.Name) else _source_of(part, True) for part in parts]
        names = {getattr(s, "id", None) for s in sources}
        if len(names) == 1 and None not in names:
            return sources[0]
    return None




_JOINS_OF_PARTS = frozenset({"concatenate", "vstack", "hstack", "stack", "column_stack", "row_stack"})
_JOINS = _JOINS_OF_PARTS | {"sort", "unique"}


def _items_of(index):
    """Whether ``index`` picks items, or items along some axes and slices along the others (``ids[t]``,
    ``edges[:, 0]``), or columns written out (``F[:, [0, 1]]``)."""
    parts = index.elts if isinstance(index, ast.Tuple) else [index]
    return all(isinstance(part, ast.Slice) or _an_item(part) or isinstance(part, ast.List) and part.elts and
               all(_an_item(e) for e in part.elts) for part in parts)


def _an_item(index):
    """Whether ``index`` picks one item: a name (``ids[t]``) or a whole number written out (``ids[0]``, ``ids[-1]``),
    or, in several axes, slices and such items (``triples[:, 0]``, a column; ``data[k, 1]``)."""
    if isinstance(index, ast.Tuple):
        return bool(index.elts) and all(isinstance(part, ast.Slice) or _an_item(part) for part in index.elts) and \
            not all(isinstance(part, ast.Slice) for part in index.elts)
    if isinstance(index, ast.UnaryOp) and isinstance(index.op, ast.USub):
        index = index.operand
    return isinstance(index, ast.Name) or isinstance(index, ast.Constant) and type(index.value) is int


def _picks(index):
    """Whether ``index`` picks some of an array's elements by place: an item (``_an_item``), one at an offset
    (``indptr[i + 1]``), a mask (``src[dst == v]``), or, in several axes, slices and those."""
    if isinstance(index, ast.Tuple):
        return bool(index.elts) and all(isinstance(part, ast.Slice) or _picks(part) for part in index.elts)
    if isinstance(index, ast.BinOp) and isinstance(index.op, (ast.Add, ast.Sub)):
        return _picks(index.left) and _picks(index.right)
    return _an_item(index) or isinstance(index, ast.Compare)


def _items_iterated(target, iterable):
    """``(name, parameter)`` pairs of a loop's targets bound to items of a name it iterates: ``i`` of ``for i
    in ids``, of ``for k, i in enumerate(ids)``, of ``for i, x in zip(ids, xs)`` (``x`` of ``xs`` too), and
    bound to the items of its items: ``i`` and ``j`` of ``for i, j in edges`` (and of ``edges.T``, its columns,
    whose elements are edges', and ``k`` of ``for k in negs[i]``, a part of it)."""
    if isinstance(iterable, ast.Attribute) and iterable.attr == "T" and isinstance(iterable.value, ast.Name):
        iterable = iterable.value
    if isinstance(iterable, ast.Subscript) and isinstance(iterable.value, ast.Name):  # for k in negs[i]: a
        iterable = iterable.value  # part's items are elements of negs too
    if isinstance(iterable, ast.Name) and isinstance(target, ast.Name):
        return [(target.id, iterable.id)]
    if isinstance(iterable, ast.Name) and isinstance(target, (ast.Tuple, ast.List)):  # for i, j in edges: the
        return [pair for part in target.elts for pair in _items_iterated(part, iterable)]  # items' items
    if not (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and not iterable.keywords
            and isinstance(target, (ast.Tuple, ast.List))):
        return []
    if iterable.func.id == "enumerate" and len(iterable.args) == 1 and len(target.elts) == 2:
        return _items_iterated(target.elts[1], iterable.args[0])
    if iterable.func.id == "zip" and len(iterable.args) == len(target.elts):
        return [pair for part, arg in zip(target.elts, iterable.args) for pair in _items_iterated(part, arg)]
    return []


def _size_arguments(call):
    """The arguments of ``call`` that are sizes or counts: np.zeros((N, D)), range(T), np.pad's
    widths, x.reshape(N, -1) (np.reshape(x, (N, -1)) after its array), np.tile's and np.repeat's
    repetitions, np.roll's shift, np.broadcast_to's shape."""
    func = call.func
    callee = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    keywords = {k.arg: k.value for k in call.keywords}
    if callee in SIZE_CALLS:
        positions, names = SIZE_CALLS[callee]
        return [arg for i, arg in enumerate(call.args) if positions is None or i in positions] + \
            [keywords[k] for k in names if k in keywords]
    if callee in ("reshape", "tile", "repeat", "roll", "broadcast_to"):  # (their sizes, reps, shifts)
        function_form = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
            func.value.id in ("np", "numpy")
        given = call.args[1:] if function_form else call.args
        if callee != "reshape":  # (np.roll's axis, np.repeat's: an axis, no size)
            given = given[:1] + [keywords[k] for k in ("reps", "repeats", "shift", "shape") if k in keywords]
        return given
    return []


def _counted(node):
    """The names an integer expression is made of: N in (N, D), pad + 1, (pad, pad)."""
    return _integer_parts(node, lambda part: [part.id] if isinstance(part, ast.Name) else None)


def _elements_counted(node):
    """The names whose elements an integer expression is made of: indptr of ``indptr[i + 1] - 1``,
    offsets of ``offsets[1:]`` (a count or a bound read of an array's elements: one of integers)."""
    return _integer_parts(node, lambda part: [part.value.id] if isinstance(part, ast.Subscript) and
                          isinstance(part.value, ast.Name) else None)


def _integer_parts(node, leaf):
    """The names ``leaf`` finds (a list, or None for a part it does not read) in the parts an integer
    expression is made of: its tuples' and lists' items, arithmetic's operands, the arguments of ``min`` and
    ``max`` of several."""
    found = leaf(node)
    if found is not None:
        return found
    if isinstance(node, (ast.Tuple, ast.List)):
        return [name for elt in node.elts for name in _integer_parts(elt, leaf)]
    if isinstance(node, ast.BinOp):
        return _integer_parts(node.left, leaf) + _integer_parts(node.right, leaf)
    if isinstance(node, ast.UnaryOp):
        return _integer_parts(node.operand, leaf)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("min", "max") and \
            len(node.args) >= 2 and not node.keywords:  # range(1, min(max_len, t) + 1): each a count
        return [name for arg in node.args for name in _integer_parts(arg, leaf)]
    return []


def _none_test(test):
    """``x`` for a test ``x is None``."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Is) and \
            isinstance(test.left, ast.Name) and isinstance(test.comparators[0], ast.Constant) and \
            test.comparators[0].value is None:
        return test.left.id
    return None


def _plain_names(test):
    """The names a test surely reads as themselves: outside calls, subscripts and attributes, and
    outside what Python may not evaluate (the branches of ``a if c else b``, ``and``/``or`` after
    the first operand), nor a name tested against None."""
    if isinstance(test, ast.Name):
        return [test.id]
    if isinstance(test, (ast.Call, ast.Subscript, ast.Attribute)) or _none_test(test) or (
            isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.IsNot) and
            isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None):
        return []  # (y is None: y may be anything)
    if isinstance(test, ast.IfExp):
        return _plain_names(test.test)
    if isinstance(test, ast.BoolOp):
        return _plain_names(test.values[0])
    return [name for child in ast.iter_child_nodes(test) for name in _plain_names(child)]


def arithmetic_only(func, names, augmented=False, helpers=None, depth=0):
    """Those of ``names`` the function uses only as operands of arithmetic and comparisons
    (``k * d``, ``d - rest``): arrays of size-one axes serve there for any shapes.  With
    ``augmented``, the right side of an ``op=`` (``y[m] *= w``) counts as an operand too.  Given
    ``helpers`` (the ``def`` of a helper of that name, as read, or None), a name passed to one of them whose parameter
    there is only such an operand (``log_joint(z, y, sigma)``, ``y - theta`` there) is one too."""
    parents = source.parents(func)
    found = set(names)
    for node in walk(func):
        parent = parents.get(node)
        if augmented and isinstance(parent, ast.AugAssign) and parent.value is node:
            continue
        if isinstance(node, ast.Name) and node.id in found and isinstance(node.ctx, ast.Load) and \
                _helper_operand(node, parent, helpers, depth):
            continue
        if isinstance(node, ast.Name) and node.id in found and isinstance(node.ctx, ast.Load) and \
                not isinstance(parent, (ast.BinOp, ast.UnaryOp, ast.Compare)):
            found.discard(node.id)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            found.discard(node.id)  # given a new value
    return found


def _helper_operand(node, call, helpers, depth):
    """Whether the name ``node``, an argument of ``call``, is passed to a helper of ``helpers`` whose
    parameter it fills is only an operand of arithmetic there (``arithmetic_only``, two helpers deep)."""
    if not helpers or depth >= 2 or not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        return False
    helper = helpers(call.func.id)
    if not isinstance(helper, (ast.FunctionDef, ast.AsyncFunctionDef)) or \
            any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return False
    params = [a.arg for a in helper.args.posonlyargs + helper.args.args]
    position = next((i for i, a in enumerate(call.args) if a is node), None)
    param = params[position] if position is not None and position < len(params) else \
        next((k.arg for k in call.keywords if k.value is node), None)
    if param is None or helper.args.vararg is not None and position is not None and position >= len(params):
        return False
    return param in arithmetic_only(helper, [param], helpers=helpers, depth=depth + 1)


def _helper_defs(forward):
    """The ``def`` of the helper of a name, as its source reads (None where it has none), each read once."""
    from .parse import read_plain  # (which imports this module)
    read = {}

    def helper(name):
        if name not in read:
            plain = read_plain(forward, name) if name in forward.helpers else None
            read[name] = getattr(plain, "func", None)
        return read[name]
    return helper


def compared_only(func, names):
    """Those of ``names`` the function reads only in comparisons, whole or by element (``X[y == c]``,
    ``np.where(y > 0, a, b)``, ``if y[i] == 1:``, ``np.arange(T) < lengths[:, None]``, a padding mask), for their sizes (``len(y)``, ``y.shape[0]``) and
    for their classes and counts (``np.unique(y)``, ``np.bincount(y)``), or for their elements, which the
    names they are given to read so alone (``for node, code in zip(path, codes)``, then ``if code == 1``):
    whatever they hold, the comparisons' booleans carry no gradient back to them."""
    parents = source.parents(func)
    sources = {name: param for name, param in _reshaped_from(func).items() if param in names}
    found = set(names) | set(sources)  # (and the names bound to their elements: code of for node, code in
    # zip(path, codes), then if code == 1; each bound once)
    derived = {}
    for name, param in sources.items():
        derived.setdefault(param, set()).add(name)
    deriving = set()  # the names read where they give their elements to such names

    def gives(node):  # codes read as zip(path, codes) iterates it, or src, dst = edge_index assigns its rows
        parent = parents.get(node)
        if isinstance(parent, ast.Attribute) and parent.attr == "T" or isinstance(parent, ast.Subscript) and \
                parent.value is node:
            node, parent = parent, parents.get(parent)
        if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and \
                parent.func.id in ("zip", "enumerate") and node in parent.args:
            node, parent = parent, parents.get(parent)
        return isinstance(parent, (ast.For, ast.comprehension)) and parent.iter is node or \
            isinstance(parent, ast.Assign) and parent.value is node

    def compared(node):  # (y, or an element of it, y[i], y[i, j], compared; or y's size, classes, counts)
        parent = parents.get(node)
        if isinstance(parent, ast.Call) and _class_call(parent) and parent.args[0] is node:
            return True
        if isinstance(parent, ast.Attribute) and parent.attr in ("shape", "size", "ndim") or \
                isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id == "len" and \
                parent.args == [node] and not parent.keywords:
            return True
        while isinstance(parent, ast.Subscript) and parent.value is node:
            node, parent = parent, parents.get(parent)
        return isinstance(parent, ast.Compare)
    for node in walk(func):
        if not (isinstance(node, ast.Name) and node.id in found):
            continue
        if isinstance(node.ctx, ast.Store):
            if node.id not in sources:  # (a derived name's one binding is where it takes the elements)
                found.discard(node.id)
        elif node.id in derived and gives(node):
            deriving.add(node.id)
        elif not compared(node):
            found.discard(node.id)
    for name in deriving:  # read for its elements: those too read only in comparisons
        if not derived[name] <= found:
            found.discard(name)
    loaded = {node.id for node in walk(func) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    return found & loaded & set(names)


def unpacked_ranks(func, names):
    """``{name: rank}`` for those of ``names`` whose shape the function unpacks (``N, T, D = x.shape``):
    the forward runs at that rank only."""
    ranks = {}
    for node in walk(func):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], (ast.Tuple, ast.List)) and \
                not any(isinstance(t, ast.Starred) for t in node.targets[0].elts) and \
                isinstance(node.value, ast.Attribute) and node.value.attr == "shape" and \
                isinstance(node.value.value, ast.Name) and node.value.value.id in names:
            ranks[node.value.value.id] = len(node.targets[0].elts)
    return ranks


def einsum_ranks(func, names):
    """``{name: rank}`` for those of ``names`` the function passes, never rebinding them, to ``np.einsum``
    whose subscripts are written out without ``...`` (``np.einsum("nchw,fc->nfhw", x, w)``): the forward
    runs at the rank of each one's subscript only (one name of two ranks there: none)."""
    stored = {n.id for n in walk(func) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    ranks, refused = {}, set()
    for node in walk(func):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "einsum"
                and isinstance(node.func.value, ast.Name) and node.args and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str) and "." not in node.args[0].value):
            continue
        subscripts = node.args[0].value.split("->")[0].split(",")
        if len(subscripts) != len(node.args) - 1 or any(isinstance(a, ast.Starred) for a in node.args):
            continue
        for operand, letters in zip(node.args[1:], subscripts):
            letters = letters.replace(" ", "")
            if isinstance(operand, ast.Name) and operand.id in names and operand.id not in stored and \
                    letters.isalpha():
                if ranks.setdefault(operand.id, len(letters)) != len(letters):
                    refused.add(operand.id)
    return {name: rank for name, rank in ranks.items() if name not in refused and rank > 0}


def unpacked_rows(func, names):
    """``{name: count}`` for those of ``names`` (labels) the function unpacks into ``count`` names, each
    bound once (``src, dst = edge_index``) or iterates by columns so (``for i, j in edge_index.T``): an
    array of ``count`` rows."""
    stores = {}
    for node in walk(func):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            stores[node.id] = stores.get(node.id, 0) + 1
    rows = {}
    for node in walk(func):
        target, value = None, None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.iter, ast.Attribute) and \
                node.iter.attr == "T":
            target, value = node.target, node.iter.value
        if isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, ast.Name) and value.id in names and \
                all(isinstance(t, ast.Name) and stores.get(t.id) == 1 for t in target.elts):
            rows[value.id] = len(target.elts)
    return rows


def indexed_ranks(func, names, whole=False):
    """``{name: rank}`` for those of ``names`` the function reads elements of, as deep as it reads
    them: 1 for ``xs[i]`` (and ``for x in xs``, ``zip(xs, ys)``, ``len(xs)``), 2 for ``xs[i][0]`` or ``xs[i, 0]``;
    an element unpacked (``x0, x1 = xs[i]``, or ``x = xs[i]`` then ``x0, x1 = x``) gives one level more,
    and the shape, of that many items last: ``{"xs": (6, 2)}``; with ``whole``, the name itself unpacked
    too (``w11, w12, w22 = fitness``: ``{"fitness": (3,)}``)."""
    def chain(node):  # (the name a chain of subscripts reads, how deep: xs[1:][i] as deep as xs[i] and xs[1:])
        depth, sliced = 0, False
        while isinstance(node, ast.Subscript):
            sliced |= isinstance(node.slice, ast.Slice)
            depth += len(node.slice.elts) if isinstance(node.slice, ast.Tuple) else \
                0 if isinstance(node.slice, ast.Slice) else 1
            node = node.value
        return (node.id, max(depth, int(sliced))) if isinstance(node, ast.Name) else (None, 0)
    ranks, items, aliases = {}, {}, {}
    for node in walk(func):
        if isinstance(node, ast.For) and isinstance(node.iter, ast.Name) and node.iter.id in names:
            ranks[node.iter.id] = max(ranks.get(node.iter.id, 0), 1)  # for z in zs: zs[k] as each round starts
            if isinstance(node.target, ast.Name):
                aliases[node.target.id] = (node.iter.id, 1)
            elif isinstance(node.target, ast.Tuple) and not any(isinstance(t, ast.Starred) for t in node.target.elts):
                items[node.iter.id] = (1, len(node.target.elts))
        if isinstance(node, ast.Subscript):
            name, depth = chain(node)
            if name in names:
                ranks[name] = max(ranks.get(name, 0), depth)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len" and \
                len(node.args) == 1 and isinstance(node.args[0], ast.Name) and node.args[0].id in names:
            ranks[node.args[0].id] = max(ranks.get(node.args[0].id, 0), 1)  # len(xs): a sequence, as xs[i]
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
            name, depth = chain(value) if isinstance(value, ast.Subscript) else (value.id, 0) if whole and \
                isinstance(value, ast.Name) and value.id in names else aliases.get(getattr(value, "id", None), (None, 0))
            if name not in names:
                continue
            if isinstance(target, ast.Name):
                aliases[target.id] = (name, depth)
            elif isinstance(target, ast.Tuple) and not any(isinstance(t, ast.Starred) for t in target.elts):
                items[name] = (depth + 1, len(target.elts))
    for name, (depth, count) in items.items():
        if depth > ranks.get(name, 0):
            ranks[name] = (PROBES[0][0],) * (depth - 1) + (count,)
    return ranks


def _indexed_in(forward, names, depth=3, whole=True):
    """``indexed_ranks`` of ``forward``, with the elements the helpers it passes those of ``names`` to, as
    they are, read of them (``kalman_forward(ys, q, r)`` reading ``ys[t]``), or passes their elements to
    (``for u in U: mix(u)``, ``mix(U[t])``, the helper unpacking ``f1, f2 = u``: a level deeper): the
    deeper of the two."""
    ranks = indexed_ranks(forward.func, names, whole=whole)
    if depth == 0:
        return ranks
    elements = element_names(forward.func, names)

    def pick(arg):
        if isinstance(arg, ast.Name):
            return (arg.id, 0) if arg.id in names else elements.get(arg.id)
        if isinstance(arg, ast.Subscript) and isinstance(arg.value, ast.Name) and arg.value.id in names and \
                not isinstance(arg.slice, (ast.Slice, ast.Tuple)):
            return (arg.value.id, 1)  # (mix(U[t]): a row)
        return None
    for helper, passed in passed_to_helpers(forward, pick):
        inner = _indexed_in(helper, list(passed), depth - 1)
        for param, (name, level) in passed.items():
            theirs = inner.get(param)
            if theirs is None:
                continue
            theirs = theirs + level if isinstance(theirs, int) else (PROBES[0][0],) * level + tuple(theirs)
            mine = ranks.get(name)
            if mine is None or _depth(theirs) > _depth(mine):
                ranks[name] = theirs
    return ranks


def element_names(func, names):
    """``{name: (sequence, 1)}`` for the names the function binds to an element of one of ``names``, a
    loop's target (``for u in U``, each of ``zip(U, V)``'s, ``enumerate(U)``'s item) or ``u = U[t]``,
    bound nowhere else."""
    found, bound = {}, {}
    for node in walk(func):
        pairs = []
        if isinstance(node, (ast.For, ast.comprehension)):
            target, it = node.target, node.iter
            if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "enumerate" and \
                    len(it.args) == 1 and isinstance(target, ast.Tuple) and len(target.elts) == 2:
                target, it = target.elts[1], it.args[0]
            if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "zip" and \
                    isinstance(target, ast.Tuple) and len(target.elts) == len(it.args):
                pairs = list(zip(target.elts, it.args))
            else:
                pairs = [(target, it)]
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.value, ast.Subscript) \
                and not isinstance(node.value.slice, (ast.Slice, ast.Tuple)):
            pairs = [(node.targets[0], node.value.value)]
        for target, seq in pairs:
            if isinstance(target, ast.Name) and isinstance(seq, ast.Name) and seq.id in names:
                found[target.id] = (seq.id, 1)
        for sub in walk(node) if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For,
                                                         ast.comprehension)) else ():
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                bound[sub.id] = bound.get(sub.id, 0) + 1
    return {name: value for name, value in found.items() if bound.get(name, 0) == 1 and name not in names}


def passed_to_helpers(forward, pick):
    """``(helper, {parameter: name})`` for each call in ``forward`` of another function of its module that
    it passes some of its values, as read by ``pick`` (an argument's tree: the name of the value it
    passes, or None), by position or by keyword, each under the helper's parameter it is passed as; the
    helper as ``parse.read_helper`` reads it (calls of one it cannot read: none)."""
    from .parse import read_helper  # (parse reads files: imported where needed)
    for node in walk(forward.func):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in forward.helpers) \
                or node.func.id == forward.func.name:
            continue
        by_position = {k: name for k, name in enumerate(map(pick, node.args)) if name is not None}
        by_keyword = {k.arg: name for k in node.keywords if k.arg for name in [pick(k.value)] if name is not None}
        if not by_position and not by_keyword:
            continue
        try:
            helper = read_helper(forward, node.func.id)
        except (BackgenError, OSError, TypeError):
            continue
        params = [a.arg for a in helper.func.args.args]
        passed = {params[k]: name for k, name in by_position.items() if k < len(params)}
        passed.update((param, name) for param, name in by_keyword.items() if param in params)
        yield helper, passed


def _depth(rank):
    return rank if isinstance(rank, int) else len(rank)


def loop_number_feeders(func, names):
    """Those of ``names`` a loop adds into a number it carries: ``t += dt`` (or ``t = t + dt``, ``t = t - h *
    c``) in a loop, where the function sets ``t`` to a number written out (``t = 0.0``).  Given arrays, they
    make that number an array, and the loop's carried value changes shape."""
    counters = {t.id for node in walk(func) if isinstance(node, ast.Assign) for t in node.targets
                if isinstance(t, ast.Name) and number(node.value) is not None}
    found = set()
    for loop in walk(func):
        if not isinstance(loop, (ast.For, ast.While)):
            continue
        for node in walk(loop):
            if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
                carried, value = node.target.id, node.value
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                    and isinstance(node.value, ast.BinOp) and any(isinstance(n, ast.Name) and n.id == node.targets[0].id
                                                                 for n in walk(node.value)):
                carried, value = node.targets[0].id, node.value
            else:
                continue
            if carried in counters and carried not in names:
                found |= {n.id for n in walk(value) if isinstance(n, ast.Name) and n.id in names}
    return found


def _class_call(node):
    """Whether ``node`` is ``np.unique(y)`` or ``np.bincount(y)`` of a name: its distinct values or their
    counts, integers' (of labels) that carry no gradient."""
    func = node.func
    return isinstance(func, ast.Attribute) and func.attr in ("unique", "bincount") and \
        isinstance(func.value, ast.Name) and func.value.id in ("np", "numpy") and \
        bool(node.args) and isinstance(node.args[0], ast.Name)


def _mark(kinds, names, name, kind):
    """``kind`` for ``name``, one of ``names``, unless its use said count or number first."""
    if name in names and kinds.get(name) not in ("count", "number"):
        kinds[name] = kind


def write(forward, unknown, declared, attempt, needed):
    """The program ``attempt(probe_specs, unknown)`` writes for every rank of ``unknown`` (see the
    module's contract).  ``declared``: the specs given; ``needed(reason, where=None)``: the error to
    raise (at the line of the error ``where``, where it has one).
    Where the forward ran at none of the samples that way and some failed on their sizes (sizes
    the code fixes, ``np.ones((3, 4)) * x``, or ties, ``x.dot(w)``), it is all tried again with
    each sample that fails so fitted to the code (``_Fitting``)."""
    fitting = _Fitting(avoid=frozenset(int(n) for line in forward.lines  # (the code's own integers: a size of
                                       for n in re.findall(r"(?<![\w.])\d+(?![\w.])", line)))  # its own none)
    try:
        return _write(forward, unknown, declared, attempt, needed, fitting)
    except BackgenError as refusal:
        if getattr(refusal, "shape_free", False) or not fitting.misfit:
            raise
    fitting.on = True
    return _write(forward, unknown, declared, attempt, needed, fitting)


@dataclasses.dataclass
class _Fitting:
    """Whether samples failing on their sizes are fitted to the code (``on``), whether some sample
    failed so (``misfit``), and the integers the code writes, which no axis takes as a size of its own."""
    on: bool = False
    misfit: bool = False
    avoid: frozenset = frozenset()
    runs: int = 0  # the runs at fitted sizes so far (at most ``MAX_FIT_RUNS``)


def _write(forward, unknown, declared, attempt, needed, fitting):
    kinds = uses(forward.func, unknown)
    for name in integral_params(forward.func, unknown):  # (counts given to math.factorial: integers)
        kinds.setdefault(name, "label")
    integers = tuple(n for n in unknown if kinds.get(n) == "count" and n in _arange_counts(forward.func))
    for name in labels(forward, unknown):  # (those a helper indexes with: word_embedding_forward(captions, W))
        if kinds.get(name) not in ("count", "number"):
            kinds[name] = "label"
    numbers = {n: Spec((), "int" if kinds[n] == "count" else "float") for n in unknown
               if kinds.get(n) in ("count", "number")}
    unknown = tuple(n for n in unknown if n not in numbers)
    samples = _Samples(unknown, {**declared, **numbers}, {n for n in unknown if kinds.get(n) == "label"},
                       attempt, needed, fitting,
                       masks={n for n in mask_params(forward.func, unknown) if kinds.get(n) is None})
    fixed = unpacked_ranks(forward.func, unknown)
    for name, rank in einsum_ranks(forward.func, unknown).items():  # np.einsum("nchw,fc->nfhw", x, w)
        fixed.setdefault(name, rank)
    for name, rank in helper_unpacked_ranks(forward, unknown).items():  # squeeze(x): N, C, H, W = x.shape
        fixed.setdefault(name, rank)
    for name, count in unpacked_rows(forward.func, samples.labels).items():  # src, dst = edge_index: two rows
        fixed.setdefault(name, (count, PROBES[0][0]))
    free = [n for n in unknown if n not in fixed]
    vectors = dict.fromkeys(samples.labels - set(fixed), 1)  # labels first as vectors, one per row
    plain = not any((forward.env.get(n.id) or "").startswith("numpy") for n in walk(forward.func)
                    if isinstance(n, ast.Name))  # (plain Python: written for numbers as a person means it)
    deferred = None
    try:
        results = samples.written([{**dict.fromkeys(free, len(dims)), **vectors, **fixed} for dims in PROBES])
        if not results and vectors:  # then of every rank, as the rest
            results = samples.written([{**dict.fromkeys(free, len(dims)), **fixed} for dims in PROBES])
    except BackgenError as refusal:  # plain Python refused at arrays of every rank for a shape they change (a
        from .program import ShapesNeeded  # (which imports this module)
        if not plain or getattr(refusal, "shape_free", False) or not (
                getattr(refusal, "varying_shape", None) or isinstance(refusal, ShapesNeeded)):
            raise  # list of numbers a loop fills, s.append(alpha * x + ...), whose items arrays give shapes of
        deferred, results = refusal, []  # their own), or where NumPy raised on a line at all of them (math.exp
        # of an array under an if: c += D / V * math.exp(-ke * tn)): numbers and lists of them are tried below,
        # as the person writing it means them, before the refusal
    if deferred is None:  # (refused at arrays of every rank: not written at some ranks alone, which arrays of
        # the others would be given without a check; the code for numbers below checks what it is given)
        crosses = any(".cross(" in line for line in forward.lines)  # (here or in a helper)
        if not results and crosses:  # vectors of three components (np.cross(r, F)): of every rank, the last axis 3
            for labelled in (vectors, {}) if vectors else ({},):  # (labels vectors, then as the rest: a mesh's faces)
                results = samples.written([{**{n: shape for n in free}, **labelled, **fixed}
                                           for shape in ((3,), (6, 3), (6, 6, 3))])
                if not results and len(free) <= 4:  # a point and a polyline: each a vector or rows of them
                    results = samples.written([{**dict(zip(free, shapes)), **labelled, **fixed}
                                               for shapes in itertools.product(((3,), (4, 3)), repeat=len(free))])
                if results:
                    break
        try:
            operands = [n for n in free if n in arithmetic_only(forward.func, free, helpers=_helper_defs(forward))]
            if not results and operands:  # values only added, multiplied...: size-one axes broadcast against any
                sets = [{**dict.fromkeys(free, len(dims)), **vectors, **fixed, **dict.fromkeys(operands, (1,) * rank)}
                        for rank, dims in enumerate(PROBES)]
                results = samples.written(sets[:1])
                ones = samples.written(sets[1:])
                if results and not ones and any(map(_grown, results)):  # a loop's number made an array, at the
                    results = []  # operands as numbers only (math.exp(w * x) in it): the code for numbers (below)
                elif results and not ones and samples.carried_items and any(
                        isinstance(n, ast.AugAssign) for n in walk(forward.func)):  # written at numbers only, where
                    # arrays change what a loop carries as a list's items (a list of numbers made one of arrays),
                    # which op= may write into (or rebind, where they are numbers): the shapes decide
                    raise needed("a loop puts arrays into a list of numbers (or of None), whose items op= writes into "
                                 "where they are arrays and gives new values where they are numbers")
                results += ones
            if not results and len(free) <= MIXED_MAX:  # ranks 1 to 3 each (1 and 2 for more parameters), those
                tried = {(len(dims),) * len(free) for dims in PROBES}  # not tried above
                choices = (1, 2, 3) if len(free) <= 3 else (1, 2)
                results = samples.written([{**dict(zip(free, ranks)), **vectors, **fixed}
                                           for ranks in itertools.product(choices, repeat=len(free))
                                           if ranks not in tried])
                if not results and vectors:  # labels of those ranks too (edges of two axes: A[E[:, 0], E[:, 1]] = w)
                    results = samples.written([{**dict(zip(free, ranks)), **fixed}
                                               for ranks in itertools.product(choices, repeat=len(free))
                                               if ranks not in tried and any(
                                                   r > 1 for n, r in zip(free, ranks) if n in vectors)])
                scaling = arithmetic_only(forward.func, free, augmented=True)
                others = [n for n in free if n not in scaling]
                if len(results) == 1 and scaling and others and not samples.carried_changes:
                    # one mix of ranks alone ran (x a vector, w a vector: A[A > 0] *= w where every element is
                    # positive), not the code for every rank: the operands numbers, the others of every rank
                    # (x a matrix, its rows views), must write the same code, else the shapes are asked for
                    results += samples.written([{**dict(zip(others, ranks)), **vectors, **fixed,
                                                 **dict.fromkeys(scaling, ())}
                                                for ranks in itertools.product(choices, repeat=len(others))])
            stacks = stacked_params(forward.func, free) if not results and len(free) > 3 else ()
            if stacks and len(stacks) < len(free):  # Ws[i], bs[i] in a loop over layers: those one axis deeper
                results = samples.written([{**{n: rank + (n in stacks) for n in free}, **vectors, **fixed}
                                           for rank in (1, 2)])
            others = [n for n in free if n not in operands]
            carried = samples.carried_changes
            if not results and operands and others and len(others) <= MIXED_MAX and not (carried and plain):
                # the others of ranks 1 to 3 each (a vector: u[2:] - 2 * u[1:-1]), the operands numbers and size-one
                # arrays (r * lap, r = alpha * dt); where arrays turned a loop's numbers into arrays, in NumPy code,
                # those mixes where the loop's number stays one (an SVM's dual summed over pairs, alpha and y
                # vectors, X a matrix, s += alpha[i] * alpha[j] * y[i] * y[j] * k), else as below
                choices = (1, 2, 3) if len(others) <= 3 else (1, 2)
                mixes = list(itertools.product(choices, repeat=len(others)))
                numbers = samples.written([{**dict(zip(others, ranks)), **vectors, **fixed,
                                            **dict.fromkeys(operands, ())} for ranks in mixes])
                numbers = [item for item in numbers if not (carried and _grown(item))]
                if not carried:  # each mix with the operands numbers and size-one arrays in turn
                    results = samples.written([{**dict(zip(others, ranks)), **vectors, **fixed,
                                                **dict.fromkeys(operands, ones)}
                                               for ranks in mixes for ones in ((), (1,) * max(ranks))])
                if numbers and (carried or samples.paths_differ):  # size-one arrays make a number an array on one
                    # path (an SVM's hinge summed in a loop, ``if m < 1: loss += C * (1 - m)``, its bias b one), or
                    # a loop's: the code written where the operands are numbers, which checks that they are
                    samples.paths_differ = None
                    results = [dataclasses.replace(item, main=dataclasses.replace(
                        item.main, numbers=item.main.numbers + tuple(
                            n for n in operands if n not in item.main.numbers))) for item in numbers]
            if not results and 1 < len(vectors) <= MIXED_MAX:  # each label a matrix, the others vectors (a batch's
                results = samples.written([{**dict.fromkeys(free, len(dims)), **vectors, name: 2, **fixed}  # negatives,
                                           for name in vectors for dims in PROBES[:2]])  # negs of (B, K) beside
                # centers of (B,): W_out[negs] of rank 3, in np.einsum("bkd,bd->bk", W_out[negs], W_in[centers]))
        except BackgenError as refusal:  # plain Python whose arrays of some ranks the code cannot be written for:
            if not plain or getattr(refusal, "shape_free", False):  # numbers (and lists of them) are tried below,
                raise  # as the person writing it means them, before the refusal
            deferred, results = deferred or refusal, []
    math_calls = calls_math(forward)
    if samples.paths_differ:  # a number on one path, an array on another: none of the arrays' code is kept
        results = []
    if plain and results and not deferred and _one_text(results) is None:  # plain Python written otherwise for
        deferred = needed("the backward backgen writes depends on the ranks of the arrays")  # arrays of each
        results = []  # rank (max(abs(a * x - y) for x, y in zip(xs, ys))): numbers and lists of them first
    feeders = loop_number_feeders(forward.func, free) - set(fixed) if samples.carried_changes and not results \
        else set()
    if feeders and len(feeders) < len(free) and not samples.paths_differ:  # t = 0.0; t += dt in the loop: dt a
        # number (an array would make t one), the rest arrays of every rank
        results = _some_numbers(feeders, unknown, free, samples, vectors, fixed, attempt, needed, fitting)
    elements = element_feeders(forward.func, free) - set(fixed) if samples.element_writes and not results \
        else set()
    if elements and len(elements) < len(free) and not samples.paths_differ:  # A[i, i] += lam: lam a number,
        # the rest arrays of every rank (fitted to the sizes the code writes: np.zeros((3, 4)) * x)
        # where arrays of every rank fitted so run at none (a row written, y[0] = v * np.ones(4), fits them)
        fitted = dataclasses.replace(fitting, on=True)
        try:
            results = [] if fitting.on else _Samples(unknown, samples.declared, samples.labels, attempt, needed,
                                                     fitted, quiet=True).written(
                [{**dict.fromkeys(free, len(dims)), **vectors, **fixed} for dims in PROBES])
        except BackgenError:
            results = []
        if not results or _one_text(results) is None:
            results = _some_numbers(elements, unknown, free, samples, vectors, fixed, attempt, needed, fitted)
    if not results and free and (samples.carried_changes or math_calls or samples.paths_differ or
                                 samples.element_writes or samples.truth_tested or plain):
        # arrays turn a loop's numbers into arrays (on every path, or on one: total = 0.0, then total += e
        # under an if), are written into one element (xs = np.zeros(n), then xs[i] = x in a loop stepping
        # x = x0 + ...), are tested as one number (while np.abs(a) > 0.1), or meet math's functions
        # (math.sin(xs[i]), xs = [0.0] * n filled with x0): the
        indexed = {n: rank for n, rank in _indexed_in(forward, free).items() if n not in fixed}
        as_numbers = _Samples(tuple(n for n in unknown if n not in free),  # code is written for numbers,
                              {**samples.declared, **{n: Spec((), "float") for n in free}},  # checked to
                              samples.labels, attempt, needed, fitting,  # get numbers as it starts (those it indexes
                              quiet=bool(samples.paths_differ or indexed))  # are tried as sequences below)
        results = [dataclasses.replace(item, main=dataclasses.replace(item.main, numbers=tuple(free)))
                   for item in as_numbers.written([{**vectors, **fixed}]) if not _grown(item)]  # (arrays
        # of the ranks the code unpacks still making the loop's number an array: as sequences, below)
        if not results and indexed and len(indexed) < len(free):  # those it indexes arrays of every rank,
            numbers = tuple(n for n in free if n not in indexed)  # the rest numbers (k in 0.5 * k * ...)
            as_numbers = _Samples(tuple(n for n in unknown if n not in numbers),
                                  {**samples.declared, **{n: Spec((), "float") for n in numbers}},
                                  samples.labels, attempt, needed, fitting, quiet=bool(samples.paths_differ))
            results = [dataclasses.replace(item, main=dataclasses.replace(item.main, numbers=numbers))
                       for item in as_numbers.written([{**vectors, **fixed, **dict.fromkeys(indexed, len(dims))}
                                                       for dims in PROBES]) if not _grown(item)]
        if not results and indexed:  # plain Python over lists of numbers: those it indexes as sequences,
            numbers = tuple(n for n in free if n not in indexed)  # the rest numbers (all sequences: trid's x)
            as_numbers = _Samples(tuple(n for n in unknown if n not in numbers),
                                  {**samples.declared, **{n: Spec((), "float") for n in numbers}},
                                  samples.labels, attempt, needed, fitting, quiet=bool(samples.paths_differ))
            results = [dataclasses.replace(item, main=dataclasses.replace(item.main, numbers=numbers, sequences=tuple(
                sorted((n, r if isinstance(r, int) else len(r)) for n, r in indexed.items()))))
                for item in as_numbers.written([{**vectors, **fixed, **indexed}])]
    if not results and free and not samples.paths_differ:  # entries of a matrix written out beside constants
        results = _entries_numbers(forward, unknown, free, samples, vectors, fixed, attempt, needed, fitting)
    if not results:
        raise deferred or samples.paths_differ or needed(samples.failure)
    written = _one_text(results)
    if written is None:
        error = needed("the backward backgen writes depends on the ranks of the arrays")
        error.ranks_differ = True  # (its names alone may differ: ``program`` tries every if's names unmerged)
        raise error
    written = _numbers_checked(forward.func, written, numbers)
    integers = tuple(n for n in integers if n in written.main.params and n not in written.main.numbers)
    return dataclasses.replace(written, main=dataclasses.replace(written.main, integers=integers)) if integers \
        else written


def _some_numbers(chosen, unknown, free, samples, vectors, fixed, attempt, needed, fitting):
    """The code for ``chosen`` (of ``free``) numbers, the other free parameters arrays of every rank; none
    where that runs at no sample, a loop's number becomes an array, or other code is written at other ranks
    (the code for every parameter a number is tried next, as it was without this)."""
    numbers = tuple(n for n in free if n in chosen)
    as_numbers = _Samples(tuple(n for n in unknown if n not in numbers),
                          {**samples.declared, **{n: Spec((), "float") for n in numbers}},
                          samples.labels, attempt, needed, fitting, quiet=True)
    try:
        results = [dataclasses.replace(item, main=dataclasses.replace(item.main, numbers=numbers))
                   for item in as_numbers.written([{**vectors, **fixed, **dict.fromkeys(
                       [n for n in free if n not in chosen], len(dims))} for dims in PROBES]) if not _grown(item)]
    except BackgenError:
        return []
    return results if results and _one_text(results) is not None else []


def _entries_numbers(forward, unknown, free, samples, vectors, fixed, attempt, needed, fitting):
    """The code for the parameters the forward writes as entries of a matrix beside constants (an angle in
    ``np.array([[c, -s, 0.0], ...])``, ``displayed.entries``) as numbers, the others arrays of every rank,
    then of mixed ranks; none where that runs at no sample or writes other code at other ranks."""
    shown = displayed.entries(forward, free) - set(fixed)
    if not shown:
        return []
    numbers = tuple(n for n in free if n in shown)
    rest = [n for n in free if n not in shown]
    as_numbers = _Samples(tuple(n for n in unknown if n not in numbers),
                          {**samples.declared, **{n: Spec((), "float") for n in numbers}},
                          samples.labels, attempt, needed, fitting, quiet=True)
    choices = (1, 2, 3) if len(rest) <= 3 else (1, 2)
    try:
        found = as_numbers.written([{**vectors, **fixed, **dict.fromkeys(rest, len(dims))} for dims in PROBES])
        if not found and rest and len(rest) <= MIXED_MAX:
            found = as_numbers.written([{**vectors, **fixed, **dict(zip(rest, ranks))}
                                        for ranks in itertools.product(choices, repeat=len(rest))
                                        if len(set(ranks)) > 1])
    except BackgenError:
        return []
    found = [dataclasses.replace(item, main=dataclasses.replace(item.main, numbers=numbers))
             for item in found if not _grown(item)]
    return found if found and _one_text(found) is not None else []


def calls_math(forward, depth=3):
    """Whether ``forward`` calls ``math``'s functions, itself or in the helpers of its module it calls (as deep
    as ``depth`` calls: ``np.array([solve_kepler(m, e) for m in M])``, whose helper loops over ``math.sin``)."""
    def calls(func, env):
        return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)
                   and env.get(n.func.value.id) == "math" for n in walk(func))
    if calls(forward.func, forward.env):
        return True
    if depth <= 0 or not forward.helpers:
        return False
    return any(calls_math(helper, depth - 1) for helper, _ in passed_to_helpers(forward, lambda arg: "*"))


def _arange_counts(func):
    """The names np.arange's arguments are made of (``np.arange(0, n, hop)``; ``H`` of ``d = E // H``, then
    ``np.arange(d)``): counts where the code is given integers, which np.arange takes floats for too."""
    made = _made_of(func)
    found, todo = set(), [name for node in walk(func) if isinstance(node, ast.Call) and
                          (node.func.attr if isinstance(node.func, ast.Attribute) else
                           getattr(node.func, "id", "")) == "arange"
                          for arg in node.args for name in _counted(arg)]
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo += list(made.get(name, ()))
    return found


# Calls whose arguments NumPy or Python take as integers only (an array there raises): range(T), np.arange(n)...
_SCALAR_CALLS = {"range", "arange", "eye", "identity", "tri", "linspace", "int", "float", "len"}


def _numbers_checked(func, written, numbers):
    """``written`` with the parameters of ``numbers`` (counts and numbers, the code written for numbers
    there) that the forward may be given arrays for, and still run, checked to be numbers as the code
    starts: an index ``x[k]`` (of an array of integers, repeated: the backward adds what ``dx[k] = g``
    would write over), np.repeat's repetitions, a test ``if reg > 0`` (of an array of one element).
    Those read only where an array raises (``range(T)``, a slice bound ``x[:k]``) are not checked."""
    main = written.main
    checked = tuple(n for n in numbers if n in main.params and n not in main.numbers and _may_be_array(func, n))
    if not checked:
        return written
    return dataclasses.replace(written, main=dataclasses.replace(main, numbers=main.numbers + checked))


def _may_be_array(func, name):
    """Whether some read of ``name`` in ``func`` takes an array (not only a count where NumPy or Python
    raises for one: ``range(name)``, ``x[:name]``, ``np.arange(name)``), or the function gives it a new value."""
    safe = set()
    for node in walk(func):
        if isinstance(node, ast.Call):
            callee = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if callee in _SCALAR_CALLS:
                safe.update(id(n) for arg in node.args for n in walk(arg))
        elif isinstance(node, ast.Slice):
            safe.update(id(n) for bound in (node.lower, node.upper, node.step) if bound is not None
                        for n in walk(bound))
    return any(isinstance(node, ast.Name) and node.id == name and (id(node) not in safe or
                                                                    isinstance(node.ctx, ast.Store))
               for node in walk(func))


def _one_text(results):
    """The program of ``results`` (those written at each sample), where they are one code, else None."""
    if any(_grown(item) for item in results) and not all(_grown(item) for item in results):
        results = [item for item in results if not _grown(item)]  # a loop's number made an array at some
        # samples only: the code of those where it stays a number, which checks that it does
    if len({item.main.scalar_output for item in results}) > 1:  # a number at some ranks only: dout is asked for
        results = [dataclasses.replace(item, main=dataclasses.replace(item.main, scalar_output=False))
                   for item in results]
    if len({emit.module_source([item]) for item in results}) > 1:
        return None
    return results[0]


def _grown(program):
    """Whether a loop of ``program`` (or of a helper) made a number it starts from an array."""
    return any(b.numbers_grown for b in (program.main,) + tuple(program.helper_backwards))


class _Samples:
    """Programs written on sample arrays of given ranks; ``carried_changes``: whether some sample
    run saw a loop's carried value change shape (the arrays given to a loop of numbers)."""

    def __init__(self, unknown, declared, labels, attempt, needed, fitting, quiet=False, masks=frozenset()):
        self.unknown, self.declared, self.labels = unknown, declared, labels
        self.masks = masks  # (parameters ~, & and | take: boolean samples)
        self.fitting = fitting
        self.quiet = quiet  # whether a sample the code is not written at is only left out (numbers tried last)
        self.attempt, self.needed = attempt, needed
        self.carried_changes = False
        self.carried_items = False  # whether a list a loop carries changed the shapes of its items so
        self.element_writes = False  # whether some sample wrote an array into one element of an array
        self.truth_tested = False  # whether some sample's test asked the truth of an array of several elements
        self.paths_differ = None  # the refusal where arrays made a number an array on one path only
        self.failure = ""  # why the forward did not run on the first sample it failed at

    def written(self, rank_sets):
        """The programs written on each of ``rank_sets`` ({param: rank, or the very shape}) the
        forward runs at."""
        results = []
        for ranks in rank_sets:
            if self.paths_differ:
                return []
            size = next(dims[0] for dims in PROBES
                        if len(dims) >= max((r for r in ranks.values() if isinstance(r, int)), default=0))
            # the arrays declared keep their ranks and their 1s; every size named is the sample size
            probe = {n: dataclasses.replace(s, dims=tuple(d if isinstance(d, int) else size for d in s.dims))
                     for n, s in self.declared.items() if s.dims != ANY_RANK}
            probe.update({n: Spec(rank if isinstance(rank, tuple) else (size,) * rank,
                                  "int" if n in self.labels else "bool" if n in self.masks else "float")
                          for n, rank in ranks.items()})
            try:
                result = self.run(probe, ranks)
                grown = _grown(result)  # (checked as the code runs)
                self.carried_changes |= grown
                if grown and not result.main.scalar_output:  # an output a number where the loop's number
                    continue  # stays one: the code for that (dout then defaults to 1.0)
                results.append(result)
            except BackgenError as exc:
                if isinstance(exc.__cause__, MemoryError) and not self.quiet:  # (NumPy's, at the bound sample runs
                    at = ", ".join(f"{n} of rank {r}" for n, r in ranks.items())  # have: no error of the code's)
                    raise self.needed(f"the sample arrays ({at}) take more memory than backgen gives sample "
                                      "runs") from None
                self.fitting.misfit |= about_sizes(exc.msg, getattr(exc, "varying_shape", None) == "loop")
                if getattr(exc, "shape_free", False):  # a rule with no form for every shape, or a refusal
                    # whatever the ranks: at its line
                    raise
                if _raised_on_path(exc):  # NumPy raised on a path the walk took at these ranks (a branch's
                    exc.sample_run = True  # np.array of rows beside a guard's early return): theirs, not the code's
                # a loop's carried value changing shape at these ranks: the code checks it as it runs
                self.carried_changes |= getattr(exc, "varying_shape", None) == "loop"
                self.carried_items |= getattr(exc, "varying_shape", None) == "loop" and \
                    getattr(exc, "items_changed", False)
                self.element_writes |= getattr(exc, "sample_run", False) and \
                    "setting an array element with a sequence" in exc.msg
                self.truth_tested |= getattr(exc, "sample_run", False) and \
                    "truth value of an array with more than one element" in exc.msg
                if getattr(exc, "sample_run", False) and not self.failure:
                    at = ", ".join(f"{n} of shape {s.dims}" for n, s in probe.items() if n in self.unknown)
                    said = " ".join((exc.msg.partition(" of the given shapes: ")[2] or exc.msg).split())
                    self.failure = f"{said} on sample arrays ({at})"
                if not getattr(exc, "sample_run", False) and getattr(exc, "varying_shape", None) != "loop":
                    at = ", ".join(f"{n} of rank {r}" for n, r in ranks.items())
                    at = f" (on sample arrays: {at})" if at else ""  # (none: every parameter a number)
                    if getattr(exc, "number_and_array", False) and not getattr(exc, "iteration", False):
                        self.paths_differ = self.needed(f"{exc.msg}{at}", exc)
                        return []  # (numbers are tried: the code then checks it is given numbers)
                    if not self.quiet:
                        needed = self.needed(f"{exc.msg}{at}", exc)
                        needed.varying_shape = getattr(exc, "varying_shape", None)  # (a shape the arrays change)
                        raise needed
            if not ranks:  # nothing to vary: one sample run says it all
                break
        return results

    def run(self, probe, ranks):
        """The program written at ``probe``; when fitting, where the forward fails on its sizes, at the
        sizes the failures ask for instead (``sample_sizes``: each axis of the parameters of ``ranks``
        first a size of its own), else the first failure."""
        try:
            with bounded_memory(SAMPLE_ROOM):  # (code of one rank may grow its values' ranks at another)
                return self.attempt(probe, self.unknown)
        except BackgenError as exc:
            if not self.fitting.on or getattr(exc, "shape_free", False) or \
                    not about_sizes(exc.msg, getattr(exc, "varying_shape", None) == "loop"):
                raise
            first = exc
        if self.fitting.runs >= MAX_FIT_RUNS:
            raise first
        avoid = {d for spec in probe.values() for d in spec.dims if isinstance(d, int)} | self.fitting.avoid
        sizes = Sizes({n: probe[n].dims for n, rank in ranks.items() if isinstance(rank, int) and rank}, avoid)
        if not sizes.dims or not fits(sizes.shapes()):
            raise first  # (ranks too high for sizes of their own: those of today's samples)
        size = probe[next(iter(sizes.dims))].dims[0]  # (the samples' own size)
        found = self.refitted(probe, sizes, MAX_FITS)
        if found is not None:
            return found
        long = Sizes({n: probe[n].dims for n, rank in ranks.items() if isinstance(rank, int) and rank}, avoid)
        if "cannot reshape" in str(first.msg) and long.long_vectors(self.labels) and fits(long.shapes()):
            try:  # (a flat vector of parameters cut into parts, w[0:10] reshaped, of a short sample cut short)
                found = self.refitted(probe, long, MAX_FITS)
            except BackgenError as exc:
                if getattr(exc, "shape_free", False):
                    raise
                found = None  # (what the long samples ran into: the samples' own sizes, as before them)
            if found is not None:
                return found
        collapsed = sizes.collapsed(size)  # every tag the samples' own size, the axes tied kept tied: sizes
        if fits(collapsed):  # of their own may not fit in memory where a value has many axes (x.dot(w) of rank 4)
            try:
                return self.fitted(probe, collapsed)
            except BackgenError as exc:
                if getattr(exc, "shape_free", False) or _ran(exc):
                    raise
        halved = Sizes({n: probe[n].dims for n, rank in ranks.items() if isinstance(rank, int) and rank}, avoid, True)
        if fits(halved.shapes()):  # (an axis the code cuts in halves, x[:, :D // 2] and x[:, D // 2:]: even sizes,
            found = self.refitted(probe, halved, 2 * MAX_FITS, parts=True)  # its parts fitted to agree)
            if found is not None:
                return found
        raise first

    def refitted(self, probe, sizes, count, parts=False):
        """The program written at ``probe`` with its parameters of the ``sizes`` (``sample_sizes.Sizes``)
        the failures ask for, in at most ``count`` runs; None where they ask for nothing more it can follow.
        With ``parts``, where they do not, the sizes of an axis the code cuts are tried in parts that agree
        (``Sizes.parts``), and a size a few off a sample's made so (``Sizes.offsets``), kept where the run gets
        further.  Where the sizes followed are a size made a few off a sample's, what the run then ends in is
        not said: those sizes were a guess (None)."""
        guessed = False
        followed = []  # the failures followed to sizes made of parts, numbers left out (see _diverging)
        for _ in range(count):
            if self.fitting.runs >= MAX_FIT_RUNS:
                return None
            try:
                return self.fitted(probe, sizes.shapes())
            except BackgenError as exc:
                if getattr(exc, "shape_free", False):
                    raise
                if sizes.refit(exc.msg, getattr(exc, "varying_shape", None) == "loop") and fits(sizes.shapes()):
                    continue
                if _ran(exc):
                    if guessed:
                        return None
                    raise  # (what backgen says where the forward runs)
                offsets = sizes.offsets(exc.msg)
                for tried in (sizes.parts(exc.msg) if parts else []) + offsets:
                    if not fits(tried.shapes()):
                        continue
                    try:
                        return self.fitted(probe, tried.shapes())
                    except BackgenError as again:
                        if getattr(again, "shape_free", False):
                            raise
                        if again.msg != exc.msg:  # (further on, or elsewhere: followed from there)
                            followed.append(_DIGITS.sub("#", again.msg))
                            if _diverging(followed):
                                return None
                            guessed = guessed or tried in offsets
                            sizes = tried
                            break
                else:
                    return None
        return None

    def fitted(self, probe, shapes):
        """The program written at ``probe`` with the parameters of ``shapes`` of those shapes."""
        fitted = dict(probe, **{n: dataclasses.replace(probe[n], dims=dims) for n, dims in shapes.items()})
        self.fitting.runs += 1
        with bounded_memory(SAMPLE_ROOM):
            return self.attempt(fitted, self.unknown)


_DIGITS = re.compile(r"\d+")
_DIVERGING = 3  # the same failure, but for its sizes, this many times over: the sizes grow without end


def _diverging(followed):
    """Whether the last failures followed are one failure at ever other sizes (``np.diff(b, axis=0) +
    b[::2]``: the rows, made to agree, 13 and 7, then 25 and 13, 49 and 25...: no sizes fit), which sizes
    made so would follow, each run longer, until no sample fits."""
    return len(followed) >= _DIVERGING and len(set(followed[-_DIVERGING:])) == 1


def fits(shapes):
    """Whether sample arrays of ``shapes`` (``{name: shape}``) are small enough to fit sizes of their own."""
    return all(math.prod(dims) <= FIT_ROOM for dims in shapes.values())


def _raised_on_path(error):
    """Whether the refusal ``error`` is NumPy raising on a line at every walk of it, on sample arrays: a
    failure of the samples' ranks, as the forward raising on them is."""
    return not hasattr(error, "sample_run") and \
        error.msg.startswith("NumPy raises on this line at the given shapes")


def _ran(error):
    """Whether the refusal ``error`` came where the forward ran on the samples (not a failure of theirs)."""
    return not getattr(error, "sample_run", False) and "NumPy raises" not in error.msg and \
        getattr(error, "varying_shape", None) != "loop"


def item_lists(staged, params, passed=frozenset(), picked=frozenset()):
    """The parameters of ``params`` (of no given shape) that may be lists or tuples of arrays of
    several shapes (``[(W1, b1), (W2, b2)]``, ``[W1, W2]``), with the items read from them that may be
    such lists themselves (``parts = params[k]``; ``W = parts[0]``): every read of each is an
    index by one integer (``params[k]``, ``parts[0]``), ``len()``, or an argument of a helper
    that takes it so (``passed``: ``(id(call), position)``; ``picked``, those of such helpers returning
    an item of it, ``return params[i]``: the call's value is an item).  Their gradients are lists of the
    same form where the arrays have several shapes (``_zeros_like_items``); one other read (a
    slice, arithmetic, a NumPy call) and the parameter is taken for one array, as before."""
    reads = {}
    for op in ir.ops_in(staged.body):
        for position, arg in enumerate(op.args):
            if isinstance(arg, ir.Var):
                reads.setdefault(arg.name, []).append((op, position))
    texts = _other_texts(staged)
    outputs = {a.name for a in staged.outputs if isinstance(a, ir.Var)}

    def take(name):
        """The names read only as a list of items is: ``name`` and those of its items and slices
        indexed likewise; None where ``name`` is read otherwise."""
        if any(_read_beyond_len(text, name) for text in texts if text):
            return None
        items, names = [], {name}
        for op, position in reads.get(name, ()):
            if op.rule == "inert" and _len_of(source.expression(op.source or ""), name):
                continue
            if op.rule == "call" and (id(op), position) in passed:
                if (id(op), position) in picked:
                    items.append(op.target)
                continue
            index = _item_index(op.param("index") or "") if op.rule == "getitem" and position == 0 else None
            if index == "item":
                items.append(op.target)
                continue
            inner = take(op.target) if index == "slice" else None
            if inner is None:  # (params[:-1]: a list of such items too)
                return None
            names |= inner
        for item in items:  # an item indexed in turn (W, b = params[k]) may be a list too; else it is an array
            read = reads.get(item, ())
            if not read and item in outputs:  # a helper's (return params[i]): its caller's to read
                names.add(item)
                continue
            if not any(op.rule == "getitem" for op, _ in read) or \
                    not all(op.rule in ("getitem", "inert", "call") for op, _ in read):
                continue  # (read as an array: np.dot(h, W))
            inner = take(item)
            if inner is not None:
                names |= inner
            elif not any(op.rule == "getitem" and position == 0 and _item_index(op.param("index") or "") is None
                         for op, position in read):  # (b[None, :], W[:, 0]: indexed as an array only is)
                return None
        return names
    roots, found = [], set()
    for param in params:
        names = take(param) if param in reads else None
        if names is not None:
            roots.append(param)
            found |= names
    return tuple(roots), frozenset(found)


def _item_index(index):
    """``"item"`` where an index's source is one integer: a name, a whole number, or arithmetic of
    those (``k``, ``0``, ``-1``, ``i + 1``); ``"slice"`` for one slice of such bounds (``[:-1]``,
    ``[1:]``); else None (a tuple, an array)."""
    try:
        node = ast.parse(f"_[{index}]", mode="eval").body.slice
    except SyntaxError:
        return None
    kind = "item"
    if isinstance(node, ast.Slice):
        kind, node = "slice", ast.Tuple([part for part in (node.lower, node.upper, node.step) if part], ast.Load())
    ok = all(isinstance(n, (ast.Name, ast.Load, ast.BinOp, ast.UnaryOp, ast.Add, ast.Sub, ast.USub, ast.Mult,
                            ast.FloorDiv, ast.Mod)) or isinstance(n, ast.Constant) and type(n.value) is int
             or n is node and kind == "slice" for n in walk(node))
    return kind if ok else None


def _len_of(node, name):
    """Whether the tree ``node`` is ``len(name)``."""
    return node.__class__ is ast.Call and node.func.__class__ is ast.Name and node.func.id == "len" and \
        len(node.args) == 1 and not node.keywords and node.args[0].__class__ is ast.Name and node.args[0].id == name


def _read_beyond_len(text, name):
    """Whether the expression ``text`` reads ``name`` other than as ``len(name)`` (by its words where it
    does not parse: never taken to leave a read out)."""
    node = source.expression(text)
    if node is None:
        return re.search(rf"\b{re.escape(name)}\b", text) is not None
    lens = {id(n.args[0]) for n in walk(node) if _len_of(n, name)}
    return any(n.__class__ is ast.Name and n.id == name and id(n) not in lens for n in walk(node))


def _other_texts(staged):
    """The source texts of a staged function that are not operations: loop headers, tests,
    the values a loop hands on, the outputs."""
    texts = [str(a) for a in staged.outputs]

    def visit(items):
        for item in items:
            if isinstance(item, ir.Loop):
                texts.extend([item.iterable, item.test] + [str(v) for _, v in item.exits])
                visit(item.body)
            elif isinstance(item, ir.If):
                texts.extend([item.test] + [str(v) for _, v in item.exits])
                visit(item.body)
                visit(item.orelse)
            elif not isinstance(item, ir.Op) and hasattr(item, "body"):
                visit(item.body)
    visit(staged.body)
    return texts
