"""Shapes declared in docstrings, as CS231n and the NumPy and Google styles write them.

Contract: ``docstring_shapes(func) -> {param: Spec}`` for the parameters whose
entry in the function's docstring names a shape:

    - x: A numpy array containing input data, of shape (N, d_1, ..., d_k)
    - y: Vector of labels, of shape (N,) where 0 <= y[i] < C
    - G: Integer number of groups         (a number: also "(float)", "Scalar ...")
    x : ndarray, shape (N, D)
    x (np.ndarray): input of shape (N, T, D)
    query: (N, S, E), key: (N, T, E)      (several to a line, a shape right after the colon)
    Wq, Wk, Wv: (E, E)                    (names sharing a shape)
    masses (N,), positions (N, 3): ...    (a shape right after the name, then a comma or colon)
    Pools x of shape (N, C, H, W) ...     (a name, then "of shape")
    - gamma, beta: ... of shape (D,)      (an entry of several names)
    :param x: data, shape (N, D)          (Sphinx)
    - params: (K, n)                      (not a shape where the code binds K and n to its items)
    x -- data, numpy array of shape (N, D)  (as deeplearning.ai's notebooks write it)

``(N, d_1, ..., d_k)`` means two or more dimensions, which the code reshapes:
backgen takes the dimensions before the ``...`` (``(N, D)`` when another
parameter names ``D``).  ``of any shape`` gives ``Spec(ANY_RANK)``: the
backward must come out the same whatever the rank (see ``program``).  An entry that speaks of
labels, indices or integers declares an integer array (as does ``- y: int (N, T)``, an entry of its
own starting with the type); so does one the code indexes with
(``W[y]``, ``x[np.arange(N), y]``) unless it speaks of booleans or masks.  One that speaks of
booleans (``- mask: Boolean array of shape (N, T)``, CS231n's temporal softmax loss) declares a
boolean array.  Entries with no
shape (``- mode: 'train' or 'test'``) declare nothing.
"""

import ast
import re

from .shapes import Spec, dim_name
from .source import walk

_SHAPE = re.compile(r"shape\s*:?\s*(?:of\s*)?[\(\[]([^\)\]]*)[\)\]]", re.IGNORECASE)
_LEADING = re.compile(r"^\s*[\(\[]([^\(\)\[\]]*)[\)\]]")
_TYPED = re.compile(r"^\s*(?:int|integer|float)\s+[\(\[]([^\(\)\[\]]*)[\)\]]", re.IGNORECASE)  # "int (N, T)"
_ANY = re.compile(r"\b(of|in|with)\s+any\s+shape\b", re.IGNORECASE)
ANY_RANK = ("...",)  # the dims of a parameter of any shape
_SCALAR = re.compile(r"^\s*\(?\s*(?P<lead>float|int|integer|scalar)\b\s*\)?"
                     r"(?!\s*(?:arrays?|vectors?|matrix|matrices|tensors?|lists?)\b)"
                     r"|\((?P<tail>float|int|integer|scalar)\)\s*$", re.IGNORECASE)
_INTEGER = re.compile(r"\b(labels?|indices|index|integers?|int)\b", re.IGNORECASE)
_BOOLEAN = re.compile(r"\b(?:boolean|bool)\s+(?:array|mask|matrix|vector|ndarray|tensor)\b|^\W*(?:boolean|bool)\b"
                      r"|\bof\s+(?:booleans|bools)\b|\bdtype\W*(?:np\.)?bool", re.IGNORECASE)
# ("- mask: Boolean array of shape (N, T)", "keep: (N,) bool": not "the probability of a boolean event")


def docstring_shapes(func, reshaped=None):
    """``{param: Spec}`` read from ``func``'s docstring (an ast.FunctionDef); ``reshaped``, a set,
    gets the parameters said to be of any rank from two up (``(N, d_1, ..., d_k)``)."""
    doc = ast.get_docstring(func) if isinstance(func, ast.FunctionDef) else None
    if not doc:
        return {}
    params = [a.arg for a in func.args.args]
    entries, shared = _entries(doc, params)
    found, flattened = {}, set()
    for name, text in entries.items():
        typed = None if name in shared else _TYPED.match(text)  # "- y: int (N, T) labels": an integer array
        # of that shape, in an entry of its own (one sharing a line is read for a shape only)
        match = _SHAPE.search(text) or _LEADING.match(text) or typed  # "of shape (N, D)"; "- x: (N, D) inputs"
        if match and match.re is _LEADING and "," not in match.group(1) and \
                not re.fullmatch(r"\s*[A-Z]\s*", match.group(1)):
            match = None  # "- mode: (train or test)"
        if not match:
            if name in shared:  # an entry sharing a line ("y: int (N,)"): read for a shape only
                continue
            if _ANY.search(text):  # "of any shape": code that must hold for every rank
                found[name] = Spec(ANY_RANK)
            elif _SCALAR.search(text):  # "- reg: (float) regularization strength", "eps (float): ..."
                scalar = _SCALAR.search(text)
                word = (scalar.group("lead") or scalar.group("tail")).lower()
                found[name] = Spec((), "int" if word in ("int", "integer") else "float")
            continue
        dims = _dims(match.group(1))
        if dims is None or match.re is _LEADING and _items_named(func, name, dims):
            continue  # ("- params: (K, n)" of K, n = params: the items it holds, named, not a shape)
        if "..." in match.group(1) or "\u2026" in match.group(1):
            flattened.add(name)
        said = text[:match.start()] + " " + text[match.end():] if match.re is _SHAPE else \
            re.split(r"[,;]|\w+\s*:", text[match.end():])[0]  # (up to the next parameter: "y: (N,) labels")
        kind = "int" if _INTEGER.search(said) or match.re is _TYPED and text.lstrip().lower().startswith("int") \
            else "bool" if _BOOLEAN.search(said) else "float"
        found[name] = Spec(dims, kind)
    for name, (dims, kind) in _inline(doc, [p for p in params if p not in entries]).items():
        found[name] = Spec(dims, kind)
    from .shape_free import uses  # (which imports this module)
    kinds = uses(func, [n for n, s in found.items() if s.dims and s.kind == "float"])
    for name in [n for n, kind in kinds.items() if kind == "label" and not _masks(doc, n)]:
        found[name] = Spec(found[name].dims, "int")  # "y: (N,)" for labels the code indexes with (W[y])
    named = {d for s in found.values() for d in s.dims}
    for name in flattened:  # (N, d_1, ..., d_k) flattened to D = d_1 * ... * d_k: take it as (N, D)
        spec = found[name]
        if "D" in named and len(spec.dims) >= 2:
            found[name] = Spec(spec.dims[:1] + ("D",), spec.kind)
    if reshaped is not None:
        reshaped.update(name for name in flattened if name in found and len(found[name].dims) == 2)
    return found


_COMPLEX = re.compile(r"\bcomplex(?:64|128)?\b", re.IGNORECASE)


def complex_entries(func):
    """The parameters whose entry in ``func``'s docstring gives their type as complex (``A : complex
    ndarray, shape (M, N)``, ``psi (np.ndarray[complex]): ...``): a type before the entry's first comma,
    of a few words, or in parentheses after the name."""
    doc = ast.get_docstring(func) if isinstance(func, ast.FunctionDef) else None
    if not doc or "complex" not in doc.lower():
        return []
    entries, _ = _entries(doc, [a.arg for a in func.args.args])
    said = []
    for name, text in entries.items():
        head = re.split(r"[,.;:]|\bshape\b|\s-\s", text.strip(), maxsplit=1)[0]
        typed = re.search(r"\(([^()]*)\)\s*$", text)  # "psi (np.ndarray[complex]):" (its type, put last)
        if _COMPLEX.search(head) and len(head.split()) <= 4 or typed and _COMPLEX.search(typed.group(1)):
            said.append(name)
    return said


def _items_named(func, name, dims):
    """Whether the names ``dims`` of a parenthesized entry of parameter ``name`` are each bound by the
    function to an item of it (``K, n = params``, ``K, n = params[0], params[1]``, ``K = params[0]``):
    the entry lists what the parameter holds."""
    items = set()
    for node in walk(func):
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target, value = node.targets[0], node.value
        pairs = [(target, value)]
        if isinstance(target, ast.Tuple) and isinstance(value, ast.Name) and value.id == name:
            items.update(t.id for t in target.elts if isinstance(t, ast.Name))
            continue
        if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and len(target.elts) == len(value.elts):
            pairs = list(zip(target.elts, value.elts))
        for one, read in pairs:
            if isinstance(one, ast.Name) and isinstance(read, ast.Subscript) and \
                    isinstance(read.value, ast.Name) and read.value.id == name:
                items.add(one.id)
    return bool(dims) and all(isinstance(d, str) and d in items for d in dims)


def passed_shapes(forward, names):
    """``{param: Spec}`` for those of ``names`` (parameters of ``forward``, a read function) that it passes as
    they are to functions of its module whose docstrings give the shape of the parameter each is passed
    as (``planar_flow(z0, u1, w1, b1)`` of ``def planar_flow(z, u, w, b): \"\"\"z: (N, D); u, w: (D,)``): the
    shape said there, in that docstring's dimension names.  Left out: a parameter ``forward`` binds
    again (the name at the call may hold another value), or that two calls declare two shapes of."""
    from .shape_free import passed_to_helpers  # (which imports this module)
    bound = {node.id for node in walk(forward.func) if isinstance(node, ast.Name) and
             not isinstance(node.ctx, ast.Load)}
    wanted = set(names) - bound
    found, clashing = {}, set()
    for helper, passed in passed_to_helpers(forward, lambda arg: arg.id if isinstance(arg, ast.Name) and
                                            arg.id in wanted else None):
        declared = docstring_shapes(helper.func)
        for param, name in passed.items():
            spec = declared.get(param)
            if spec is None or spec.dims == ANY_RANK:
                continue
            if found.setdefault(name, spec) != spec:
                clashing.add(name)
    return {name: spec for name, spec in found.items() if name not in clashing}


def _masks(doc, name):
    """Whether a line of ``doc`` naming ``name`` speaks of booleans or masks (an index, but no label)."""
    said = (re.split(r"[;]|,\s*\w+\s*:", doc[m.end():].split("\n")[0])[0]  # (to the next entry on its line)
            for m in re.finditer(rf"(?<![\w.]){re.escape(name)}\b", doc))
    return any(re.search(r"bool|mask", text, re.IGNORECASE) for text in said) or "mask" in name.lower()


def _entries(doc, params):
    """The text of each parameter's entry: its line and the more indented lines under it; and the
    parameters whose entry follows another's on its line."""
    lines = doc.splitlines()
    entries, current, indent, shared, alike = {}, None, 0, set(), {}
    for line in lines:
        stripped = line.strip()
        head = _HEAD.match(stripped)
        names = [n.strip() for n in head.group(1).split(",")] if head else []
        width = len(line) - len(line.lstrip())
        if names and all(n in params for n in names) and len(set(names)) == len(names):
            current, indent = names[0], width
            entries[current] = ""
            alike.update({other: current for other in names[1:]})  # (- gamma, beta: ... of shape (D,))
            current = _split(entries, current, stripped[head.end():], params, shared)
            entries[current] += f" ({head.group(2)})" if head.group(2) else ""
        elif current and stripped and width > indent:
            current = _split(entries, current, " " + stripped, params, shared)
        else:
            current = None
    for other, first in alike.items():
        entries.setdefault(other, entries[first])
        if first in shared:
            shared.add(other)
    return entries, shared


# an entry's head: "- x:", "x (np.ndarray):", "- gamma, beta:" (names sharing the entry), ":param x:"
# (Sphinx), "x -- " (as deeplearning.ai's notebooks write it)
_HEAD = re.compile(r"^(?:[-*]\s*|:param\s+(?:[\w.\[\], ]+\s+)?)?(\w+(?:\s*,\s*\w+)*)\s*(?:\(([^)]*)\))?\s*(?::|--\s)")


def _split(entries, current, text, params, shared):
    """``text`` added to ``current``'s entry, up to another parameter's entry on the same line
    (``x: scores of shape (N, C); y: labels of shape (N,)``), which gets the rest: the entry then
    current."""
    while True:
        match = next((m for m in re.finditer(r"[;,]\s*(\w+)\s*:", text)
                      if m.group(1) in params and m.group(1) != current and m.group(1) not in entries), None)
        if match is None:
            entries[current] += text
            return current
        entries[current] += text[:match.start()]
        current, text = match.group(1), text[match.end():]
        entries[current] = ""
        shared.add(current)


def _dims(text):
    parts = [p.strip() for p in text.split(",")]
    dims = []
    for part in parts:
        if not part:
            continue
        if part in ("...", "\u2026"):
            break  # (N, d_1, ..., d_k): the code reshapes what follows
        if part.isdigit():
            dims.append(int(part))
        elif re.fullmatch(r"[A-Za-z_]\w*|\d+\s*\*?\s*[A-Za-z_]\w*", part):
            dims.append(dim_name(part))  # N, or a multiple: 4H
        else:
            return None  # an expression (2 * N): not a shape backgen reads
    return tuple(dims)


def _inline(doc, params):
    """``{param: (dims, kind)}`` for parameters with no entry of their own whose name a shape follows
    anywhere in the docstring,
    several to a line: ``x: (N, D)`` (``Wq, Wk: (E, E)``), ``x (N, D)`` then a comma, colon or the
    line's end, or ``x of shape (N, D)``.  A single dimension without a comma is read where it is a
    capital letter: ``b: (M)``."""
    found = {}
    for name in params:
        pattern = rf"(?<![\w.])({re.escape(name)})(?:(?:\s*,\s*\w+)*\s*:\s*[\(\[]([^\(\)\[\]]*)[\)\]]|" \
                  rf"\s+[\(\[]([^\(\)\[\]]*)[\)\]](?=\s*(?:[,:;]|$))|" \
                  rf"\s+(?:of|with|has)\s+shape\s*[\(\[]([^\(\)\[\]]*)[\)\]])"
        for match in re.finditer(pattern, doc, re.MULTILINE):
            text = next(group for group in match.groups()[1:] if group is not None)
            if "," not in text and not re.fullmatch(r"\s*[A-Z]\s*", text):
                continue
            dims = _dims(text)
            if dims is None or "..." in text or "\u2026" in text:
                continue
            line = doc[doc.rfind("\n", 0, match.start()) + 1:doc.find("\n", match.end()) % (len(doc) + 1)]
            rest = re.split(r"[,;]|\w+\s*:", line[line.find(match.group(0)) + len(match.group(0)):])[0]
            kind = "int" if _INTEGER.search(rest) else "float"
            found[name] = (dims, kind)
            break
    return found
