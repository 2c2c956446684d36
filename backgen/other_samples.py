"""Other samples, for code the first samples of its declared shapes fail on.

Contract: ``retries(failure, result, specs, func, integers)`` yields, in the order they are tried, the
``Retry`` options of ``shapes.examples`` that may answer ``failure`` (the message of the first sample
run's ``BackgenError``): each says what failure it answers and why those samples do.  The caller runs the
code on each in turn and keeps the first that runs; a ``Retry`` marked ``final`` is the answer when its
refusal comes where the forward ran at those samples (what backgen says of the code there, not a failure
of the samples).  Nothing here runs code.
"""

import ast
import math
import re
from typing import NamedTuple

from .docshapes import ANY_RANK
from .shapes import INT_SAMPLE
from .source import walk


class Retry(NamedTuple):
    options: dict  # for ``shapes.examples``
    final: bool = False  # a refusal where the forward ran at these samples is the answer
    tolerant: bool = False  # the first samples again, singular systems answered by the pseudo-inverse


def retries(failure, result, specs, func, integers):
    """The ``Retry`` samples for ``failure``, in turn (``integers``: the positions of the integer
    parameters the code is written for every value of; ``func``: the forward as written)."""
    floats = [s for s in specs.values() if s.kind == "float"]
    int_arrays = any(s.kind == "int" and s.dims for s in specs.values())
    yield Retry({"larger_first": True})  # sizes the code cannot take (a filter wider than the image): the
    # first-declared dimensions largest
    if re.search(r"math domain error|ZeroDivisionError", failure) and any(not s.dims for s in floats):
        yield Retry({"small": True}, final=True)  # numbers whose sum a logarithm or a square root needs
        # below one (1 - alpha - beta)
    if re.search(r"math domain error|LinAlgError", failure) and any(
            s.dims != ANY_RANK and len(s.dims) >= 2 and s.dims[-1] == s.dims[-2] for s in floats):
        yield Retry({"definite": True}, final=True)  # a matrix a Cholesky factor written out takes the
        # square roots of the pivots of (math.sqrt(A[i, i] - s)): square matrices symmetric positive
        # definite, as the code's inputs are
    if "LinAlgError" in failure and any(s.dims for s in floats):
        yield Retry({"apart": True}, final=True)  # a kernel matrix of sample points in one unit interval,
        # singular to working precision (np.linalg.cholesky(K + 1e-6 * np.eye(n))): points apart
    if "LinAlgError" in failure and int_arrays:
        yield Retry({"spread": True})  # a matrix of the rows integer arrays pick, singular where they pick
        # one row each time (a mesh's edge matrices, of its triangles' corners)
    if "LinAlgError: Singular matrix" in failure:
        yield Retry({}, final=True, tolerant=True)  # a stiffness matrix of sample connectivity that leaves
        # nodes loose: the shapes of the pseudo-inverse's answer
    if re.search(r"zero-size array to reduction|of an empty sequence", failure) and \
            not getattr(result, "shape_free", None) and int_arrays:  # (code for every shape tries its ranks)
        yield Retry({"spread": True, "classes": 2}, final=True)  # labels whose masks select nothing at one
        # value for all (the positives of a triplet loss's anchor, ``d[labels == labels[i]]``) or all values
        # apart (its negatives), to a max, a min or an argmax: two classes in turn
    if "ZeroDivisionError" in failure and not getattr(result, "shape_free", None) and int_arrays:
        yield Retry({"spread": True, "classes": 2}, final=True)  # counts of what integer arrays of zeros
        # select, none (lengths bounding loops over tokens, total / count): the integers spread, as labels
        # of several values are
    if re.search(r"out of bounds for axis \d+ with size 0|list index out of range", failure) and \
            not getattr(result, "shape_free", None) and int_arrays:
        yield Retry({"ones": True}, final=True)  # lengths of zeros, each selecting nothing (e = em[b, :lengths[b]],
        # then e[0]): ones
    if integers and "is out of bounds for axis" in failure:
        yield Retry({"fixed": {result.params[i]: 1 for i in integers}}, final=True)  # an integer parameter
        # indexing an axis (x[n], x[:, n]) shorter than its sample
    if "is out of bounds for axis" in failure and any(s.dims for s in floats):
        yield Retry({"fractions": True})  # an index computed from the data (np.floor(x * K).astype(int),
        # x in (0, 1)): numbers below one
    defaults = integer_defaults(func, [result.params[i] for i in integers])
    if defaults:  # an integer parameter at the value its default gives it (groups=2 dividing 4 channels)
        yield Retry({"fixed": defaults}, final=True)
    # a dimension split by an integer parameter: sizes it divides; by a setting (a pool of 2 by 2 that tiles
    # the image, x.reshape(N, C, H // 2, 2, W // 2, 2)): even sizes; by a number written in the code
    # (H // 2) or a slice's step (x[::2] + x[1::2]): sizes it divides
    configs = any(s.kind == "config" for s in specs.values())
    divisors = sorted({node.value for node in divisors_written(func)} - ({2} if configs else set()))
    if re.search(r"equal division|cannot reshape", failure):  # (a split or reshape by a number a helper is
        # given, picoGPT's np.split(x, n_head) called with 2): even sizes, and sizes all divide
        split = sorted({2} | set(divisors))
        divisors += [m for m in (2, math.prod(split)) if m not in divisors + [2] * configs]
    for multiple in [INT_SAMPLE] * any(s.kind == "int" and not s.dims for s in specs.values()) + \
            [2] * configs + list(dict.fromkeys(divisors)):
        yield Retry({"multiple": multiple})


def divisors_written(func):
    """The constant nodes ``func`` divides a size by: ``2`` of ``H // 2`` and of a slice's step
    (``x[1::2]``), the sections of ``np.split(qkv, 3, axis=-1)``, and the sizes beside a ``-1`` in a
    reshape (``x.reshape(B, T, 2, -1)``, heads split from the last axis; also a local bound once to the
    number, ``nh = 2``, then ``x.reshape(B, T, nh, -1)``), which the size NumPy works out for the ``-1``
    divides."""
    bound = {}
    for node in walk(func):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For, ast.NamedExpr)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for name in walk(target):
                    if isinstance(name, ast.Name):
                        bound[name.id] = node.value if isinstance(node, ast.Assign) and target is name and \
                            name.id not in bound else None
    for node in walk(func):
        part = node.right if isinstance(node, ast.BinOp) and isinstance(node.op, ast.FloorDiv) else \
            node.step if isinstance(node, ast.Slice) else None
        if isinstance(part, ast.Constant) and type(part.value) is int and part.value > 1:
            yield part
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "split" and \
                len(node.args) >= 2:  # np.split(qkv, 3, axis=-1): sections the axis's size divides
            sections = bound.get(node.args[1].id) if isinstance(node.args[1], ast.Name) else node.args[1]
            if isinstance(sections, ast.Constant) and type(sections.value) is int and sections.value > 1:
                yield sections
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "reshape":
            sizes = _sizes_written(node.args[0]) if len(node.args) == 1 else \
                _sizes_written(node.args[1]) if len(node.args) == 2 and isinstance(node.args[1], (ast.Tuple, ast.BinOp)) \
                else node.args  # (x.reshape(B, T, 2, -1); np.reshape(x, (B, T, 2, -1)))
            if any(isinstance(s, ast.UnaryOp) and isinstance(s.op, ast.USub) and isinstance(s.operand, ast.Constant)
                   and s.operand.value == 1 for s in sizes):
                for size in sizes:
                    size = bound.get(size.id) if isinstance(size, ast.Name) else size
                    if isinstance(size, ast.Constant) and type(size.value) is int and size.value > 1:
                        yield size


def _sizes_written(node):
    """The sizes of a shape written as a tuple, or tuples joined (``(T,) + x.shape[:-1] + (2, -1)``, as a
    reshape spreading a shape is written): those of the tuples written out."""
    if isinstance(node, ast.Tuple):
        return list(node.elts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _sizes_written(node.left) + _sizes_written(node.right)
    return [node]


def integer_defaults(func, names):
    """``{name: value}`` for the parameters ``names`` of ``func`` whose default is an integer it writes
    (``G=2``), other than 0 and 1."""
    args = func.args
    positional = args.posonlyargs + args.args
    pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults)) + \
        [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
    return {a.arg: d.value for a, d in pairs if a.arg in names and isinstance(d, ast.Constant) and
            type(d.value) is int and d.value > 1}
