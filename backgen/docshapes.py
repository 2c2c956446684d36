"""Shapes declared in docstrings, as CS231n and the NumPy and Google styles write them.

Contract: ``docstring_shapes(func) -> {param: Spec}`` for the parameters whose
entry in the function's docstring names a shape:

    - x: A numpy array containing input data, of shape (N, d_1, ..., d_k)
    - y: Vector of labels, of shape (N,) where 0 <= y[i] < C
    - G: Integer number of groups         (a number: also "(float)", "Scalar ...")
    x : ndarray, shape (N, D)
    x (np.ndarray): input of shape (N, T, D)

``(N, d_1, ..., d_k)`` means two or more dimensions, which the code reshapes:
backgen takes the dimensions before the ``...`` (``(N, D)`` when another
parameter names ``D``).  ``of any shape`` gives ``Spec(ANY_RANK)``: the
backward must come out the same whatever the rank (see ``program``).  An entry that speaks of
labels, indices or integers declares an integer array.  Entries with no
shape (``- mode: 'train' or 'test'``) declare nothing.
"""

import ast
import re

from .shapes import Spec, dim_name

_SHAPE = re.compile(r"shape\s*:?\s*(?:of\s*)?[\(\[]([^\)\]]*)[\)\]]", re.IGNORECASE)
_ANY = re.compile(r"\b(of|in|with)\s+any\s+shape\b", re.IGNORECASE)
ANY_RANK = ("...",)  # the dims of a parameter of any shape
_SCALAR = re.compile(r"^\s*\(?\s*(?P<lead>float|int|integer|scalar)\b\s*\)?"
                     r"(?!\s*(?:arrays?|vectors?|matrix|matrices|tensors?|lists?)\b)"
                     r"|\((?P<tail>float|int|integer|scalar)\)\s*$", re.IGNORECASE)
_INTEGER = re.compile(r"\b(labels?|indices|index|integers?|int)\b", re.IGNORECASE)


def docstring_shapes(func):
    """``{param: Spec}`` read from ``func``'s docstring (an ast.FunctionDef)."""
    doc = ast.get_docstring(func) if isinstance(func, ast.FunctionDef) else None
    if not doc:
        return {}
    params = [a.arg for a in func.args.args]
    entries = _entries(doc, params)
    found, reshaped = {}, set()
    for name, text in entries.items():
        match = _SHAPE.search(text)
        if not match:
            if _ANY.search(text):  # "of any shape": code that must hold for every rank
                found[name] = Spec(ANY_RANK)
            elif _SCALAR.search(text):  # "- reg: (float) regularization strength", "eps (float): ..."
                scalar = _SCALAR.search(text)
                word = (scalar.group("lead") or scalar.group("tail")).lower()
                found[name] = Spec((), "int" if word in ("int", "integer") else "float")
            continue
        dims = _dims(match.group(1))
        if dims is None:
            continue
        if "..." in match.group(1) or "\u2026" in match.group(1):
            reshaped.add(name)
        kind = "int" if _INTEGER.search(text[:match.start()] + " " + text[match.end():]) else "float"
        found[name] = Spec(dims, kind)
    named = {d for s in found.values() for d in s.dims}
    for name in reshaped:  # (N, d_1, ..., d_k) flattened to D = d_1 * ... * d_k: take it as (N, D)
        spec = found[name]
        if "D" in named and len(spec.dims) >= 2:
            found[name] = Spec(spec.dims[:1] + ("D",), spec.kind)
    return found


def _entries(doc, params):
    """The text of each parameter's entry: its line and the more indented lines under it."""
    lines = doc.splitlines()
    entries, current, indent = {}, None, 0
    for line in lines:
        stripped = line.strip()
        head = re.match(r"^[-*]?\s*(\w+)\s*(?:\(([^)]*)\))?\s*:", stripped)
        width = len(line) - len(line.lstrip())
        if head and head.group(1) in params:
            current, indent = head.group(1), width
            entries[current] = stripped[head.end():] + (f" ({head.group(2)})" if head.group(2) else "")
        elif current and stripped and width > indent:
            entries[current] += " " + stripped
        else:
            current = None
    return entries


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
