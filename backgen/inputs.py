"""Inputs for the learning view: values written on the command line, random ones, and CS231n's caches.

Contract:

* ``parse_at(items, filename=FILE) -> {name: value}`` reads ``--at x=-2,y=5,z=-4`` (several
  ``--at`` add up; a list such as ``w=[2,-3,-3]`` is an array);
* ``coerce(values, specs)`` turns numbers into the kinds the parameters
  declare (floats, unless declared ``int``; lists into arrays);
* ``random_inputs(params, specs, mode, seed, shapes)`` draws inputs of the
  declared shapes (``BackgenError`` naming what is missing where a NumPy
  parameter has no shape);
* ``signature_of(forward)`` is the forward's ``inspect.Signature`` from its
  parsed ``def``;
* ``without_cache(text, name)`` is module source in which the function
  ``name``, written in CS231n's convention (``return out, cache``), returns
  only ``out``, every line keeping its number.

Nothing here changes backgen's pipeline; it only prepares what is fed to it.
"""

import ast
import inspect

import numpy as np

from .errors import BackgenError
from .parse import default_value
from .shapes import spec as shape_spec

SIZES = (4, 5, 3, 6, 7, 8, 9, 10, 11, 12)  # distinct, so a transposed gradient has the wrong shape


def split_top(text, sep=","):
    """``text`` split at ``sep`` outside brackets and quotes."""
    parts, depth, current, quote = [], 0, [], None
    for char in text:
        if quote:
            current.append(char)
            if char == quote:
                quote = None
            continue
        if char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char == sep and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def parse_at(items, where="--at", filename="<string>"):
    """``{name: value}`` from ``["x=-2,y=5", "w=[2,-3,-3]"]``; values are Python literals (a BackgenError
    about ``filename``, the file the command reads, where one is not)."""
    values = {}
    for item in items or ():
        for part in split_top(item):
            name, sep, text = part.partition("=")
            name = name.strip()
            if not sep or not name.isidentifier():
                raise BackgenError(f"{where} {part!r}: write NAME=VALUE, like x=-2,y=5 or w=[2,-3,-3]", filename)
            try:
                value = ast.literal_eval(text.strip())
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                raise BackgenError(f"{where} {part!r}: {text.strip()!r} is not a number or a list of "
                                   "numbers", filename) from None
            if not _finite(value):  # (1e400 reads as inf)
                raise BackgenError(f"{where} {part!r}: {text.strip()!r} is not finite: give finite numbers",
                                   filename)
            values[name] = value
    return values


def _finite(value):
    """Whether no float in ``value`` (a literal: a number, or lists and tuples of them) is inf or nan."""
    if isinstance(value, (list, tuple)):
        return all(_finite(v) for v in value)
    return not isinstance(value, (float, complex)) or np.isfinite(value)


def coerce(values, specs=None):
    """Numbers as the parameters declare them: floats (``int`` where declared), lists as arrays."""
    specs = specs or {}
    out = {}
    for name, value in values.items():
        declared = specs.get(name)
        kind = getattr(declared, "kind", "float")
        if isinstance(value, (list, tuple)):
            value = np.array(value, dtype=int if kind == "int" else bool if kind == "bool" else float)
        elif isinstance(value, bool) or value is None or isinstance(value, (str, dict)):
            pass
        elif isinstance(value, (int, float)):
            value = int(value) if kind == "int" else float(value)
        out[name] = value
    return out


def signature_of(forward):
    """The ``inspect.Signature`` of a parsed forward (``parse.Forward``), with its number defaults."""
    args = forward.func.args
    names = [a.arg for a in args.args]
    first = len(names) - len(args.defaults)
    params = []
    for k, name in enumerate(names):
        default = inspect.Parameter.empty
        if k >= first:
            try:
                default = default_value(args.defaults[k - first])
            except ValueError:
                default = None
        params.append(inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default))
    return inspect.Signature(params)


def random_inputs(params, specs, mode, seed=0, positive=False, skip=(), filename=None, sizes=None):
    """``{name: value}`` drawn at random for ``params`` (a list of names), of the declared shapes.

    Scalar code needs no declarations (a parameter declared ``int`` gets 3);
    NumPy code needs the shape of every parameter, else a BackgenError says how
    to give them.  ``positive`` draws from (0.5, 1.5) instead of N(0, 1), for
    functions defined only there (logarithms, square roots).  ``sizes``: named
    dimensions whose sizes are known (those of the values given for others).
    """
    rng = np.random.default_rng(seed)
    params = [p for p in params if p not in skip]
    if mode == "numpy":
        unknown = [p for p in params if p not in specs]
        if unknown:
            first = unknown[0]
            raise BackgenError(
                f"cannot choose random inputs: the shape of {', '.join(unknown)} is not declared. Give the "
                f"inputs (--at {first}=[[1,2],[3,4]] on the command line, or as arguments), or their shapes "
                f"(--shape {first}=N,D, or shapes={{{first!r}: 'N, D'}}, or an annotation "
                f"def f({first}: 'N, D', ...), or a docstring line '- {first}: ... of shape (N, D)')",
                filename or "<string>")
    sizes = dict(sizes or {})
    for name in params:
        for dim in getattr(specs.get(name), "dims", ()):
            if isinstance(dim, str) and dim not in sizes:
                free = [size for size in SIZES if size not in sizes.values()]
                sizes[dim] = free[0] if free else SIZES[len(sizes) % len(SIZES)]
    smallest = min(sizes.values(), default=3) or 3
    values = {}
    for name in params:
        declared = specs.get(name)
        kind = getattr(declared, "kind", "float")
        dims = tuple(sizes[d] if isinstance(d, str) else d for d in getattr(declared, "dims", ()))
        if kind == "config":
            from .shapes import SampleSettings  # noqa: PLC0415 -- only where settings are declared
            values[name] = SampleSettings.holding(dict(getattr(declared, "value", None) or ()), name)
        elif kind == "int":
            values[name] = rng.integers(0, smallest, size=dims) if dims else 3
        elif kind == "bool":
            values[name] = rng.random(dims) < 0.5 if dims else True
        elif positive:
            draw = rng.uniform(0.5, 1.5, size=dims)
            values[name] = draw if dims else float(draw)
        else:
            draw = rng.standard_normal(dims)
            values[name] = draw if dims else float(draw)
    return values


def specs_from_strings(shapes):
    """``{"x": "N, D"}`` -> ``{"x": Spec}``."""
    return {k: shape_spec(v) for k, v in (shapes or {}).items()}


def cache_convention(func_node):
    """The name of the cache where ``func_node`` (ast.FunctionDef) ends ``return out, cache``, else None."""
    returns = [n for n in _own_nodes(func_node) if isinstance(n, ast.Return)]
    if not returns:
        return None
    names = set()
    for node in returns:
        value = node.value
        if not (isinstance(value, ast.Tuple) and len(value.elts) == 2):
            return None
        last = value.elts[1]
        if isinstance(last, ast.Name):
            names.add(last.id)
        elif isinstance(last, (ast.Tuple, ast.Dict)):
            names.add("")
        else:
            return None
    name = names.pop() if len(names) == 1 else None
    return name if name is not None and (name == "" or "cache" in name.lower()) else None


def _own_nodes(func_node):
    """The nodes of a function, not of functions or classes defined in it."""
    stack = list(func_node.body)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(node))


def without_cache(text, name, lineno=None):
    """``text`` with the function ``name`` returning only ``out`` where it returned ``out, cache``.

    The cache's assignments become ``pass`` (it may be a dict, which backgen
    does not differentiate); every other line keeps its number and text.
    Returns ``(text, changed)``.
    """
    module = ast.parse(text)
    defs = [n for n in module.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name]
    if lineno is not None:
        defs = [d for d in defs if min([d.lineno] + [x.lineno for x in d.decorator_list]) == lineno] or defs
    if not defs:
        return text, False
    func = defs[-1]
    cache = cache_convention(func)
    if cache is None:
        return text, False
    lines = text.splitlines(True)
    edits = []  # (first line, last line, replacement for the first)
    for node in _own_nodes(func):
        if isinstance(node, ast.Return):
            out = ast.get_source_segment(text, node.value.elts[0])
            edits.append((node, f"return {out}"))
        elif cache and isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if all(_is_cache_target(t, cache) for t in targets):
                edits.append((node, "pass"))
        elif cache and isinstance(node, ast.Expr) and _mutates_cache(node.value, cache):
            edits.append((node, "pass"))
    for node, replacement in edits:
        first, last = node.lineno - 1, node.end_lineno - 1
        head = lines[first]
        indent = head[:node.col_offset]
        end = "\n" if lines[last].endswith("\n") else ""
        lines[first] = f"{indent}{replacement}{end}"
        for k in range(first + 1, last + 1):
            lines[k] = "\n"
    return "".join(lines), True


def _is_cache_target(target, cache):
    if isinstance(target, ast.Name):
        return target.id == cache
    if isinstance(target, (ast.Subscript, ast.Attribute)):
        return _is_cache_target(target.value, cache)
    return False


def _mutates_cache(value, cache):
    """``cache.append(...)``, ``cache.update(...)``."""
    return (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
            and isinstance(value.func.value, ast.Name) and value.func.value.id == cache)
