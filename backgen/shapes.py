"""Shapes of NumPy code: declared by the user, or seen on example inputs.

Contract:

* ``spec(annotation_or_value)`` reads a declared shape: ``"N, D"`` or
  ``(64, 10)`` (an array), ``""``/``float`` (a scalar), ``int``/``bool`` (an
  integer or boolean scalar), ``"int N"`` (an integer array).  It returns a
  ``Spec`` or None for "not declared".
* ``examples(staged, specs)`` makes sample inputs of the declared shapes.
  Named dimensions get distinct primes, so they never look like 1 and never
  equal one another; an integer parameter named like a dimension gets its size.
* ``infer(staged, args)`` runs the staged forward (backgen's own lines, never
  the user's module) on inputs and returns ``{name: shape}`` for every
  parameter and staged value.

The generated code does not depend on the sizes themselves, only on ranks and
on which dimensions are 1, which is what these shapes decide.
"""

import ast
import math
from dataclasses import dataclass

import numpy as np

from . import ir
from .emit import staged_lines
from .errors import BackgenError

PRIMES = (7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47)


@dataclass(frozen=True)
class Spec:
    dims: tuple  # ints and dimension names; () for a scalar
    kind: str = "float"  # "float", "int" or "bool"


def spec(value):
    """A Spec from an annotation AST, a string, a tuple or a type; None if not a shape."""
    if isinstance(value, Spec):
        return value
    if isinstance(value, ast.AST):
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return spec(value.value)
        if isinstance(value, ast.Name) and value.id in ("float", "int", "bool"):
            return Spec((), value.id)
        if isinstance(value, ast.Tuple):
            dims = []
            for elt in value.elts:
                if isinstance(elt, ast.Constant) and isinstance(elt.value, (int, str)):
                    dims.append(elt.value)
                elif isinstance(elt, ast.Name):
                    dims.append(elt.id)
                else:
                    return None
            return Spec(tuple(dims))
        return None
    if value in (float, int, bool):
        return Spec((), value.__name__)
    if isinstance(value, str):
        text = value.strip()
        kind = "float"
        for prefix in ("int", "bool", "float"):
            if text.startswith(prefix + " ") or text == prefix:
                kind, text = prefix, text[len(prefix):].strip()
        text = text.strip("()[] ")
        dims = tuple(int(d) if d.strip().lstrip("-").isdigit() else d.strip()
                     for d in text.split(",") if d.strip())
        return Spec(dims, kind)
    if isinstance(value, (tuple, list)):
        return Spec(tuple(value))
    if isinstance(value, int):
        return Spec((value,))
    raise TypeError(f"cannot read a shape from {value!r}: use a tuple like (64, 10) or a string like 'N, D'")


def examples(staged, specs):
    """Sample inputs of the declared shapes, in parameter order."""
    sizes = {}
    for s in specs.values():
        for dim in s.dims:
            if isinstance(dim, str) and dim not in sizes:
                sizes[dim] = PRIMES[len(sizes) % len(PRIMES)] + 50 * (len(sizes) // len(PRIMES))
    rng = np.random.default_rng(0)
    args = []
    for name in staged.params:
        s = specs[name]
        if not s.dims and s.kind == "int":
            args.append(sizes.get(name, 3))
        elif not s.dims and s.kind == "bool":
            args.append(True)
        elif not s.dims:
            args.append(0.5)
        else:
            shape = tuple(sizes[d] if isinstance(d, str) else d for d in s.dims)
            if s.kind == "int":
                args.append(np.zeros(shape, dtype=int))
            elif s.kind == "bool":
                args.append(np.ones(shape, dtype=bool))
            else:
                args.append(rng.uniform(0.5, 1.5, size=shape))
    return tuple(args)


def probe_source(staged):
    """A function running the staged forward and returning every value's shape."""
    lines = [f"def probe({', '.join(staged.params)}):"] + staged_lines(staged.body, 1)
    lines.append("    return dict(locals())")
    return "\n".join(lines) + "\n"


def infer(staged, args, functions=None):
    """``{name: shape}`` for the parameters and staged values, seen on ``args``.

    ``functions`` are the helper functions the staged code calls.
    """
    namespace = {staged.modules["np"]: np, staged.modules["math"]: math, **(functions or {})}
    exec(compile(probe_source(staged), f"<backgen shapes of {staged.name}>", "exec"), namespace)
    try:
        with np.errstate(all="ignore"):
            values = namespace["probe"](*args)
    except Exception as exc:
        raise error_at_def(staged, f"could not work out the shapes in {staged.name}() by running its staged "
                           f"forward on inputs of the given shapes: {type(exc).__name__}: {exc}") from None
    with np.errstate(all="ignore"):
        _visit_the_rest(staged, values, namespace)
    return {name: _shape(value) for name, value in values.items()}


def _shape(value):
    """A value's shape; a list of arrays gets the shape of its first element with its length first."""
    if isinstance(value, (list, tuple)):
        return (len(value),) + (np.shape(value[0]) if value else ())
    return np.shape(value)


def list_names(staged, args, functions=None):
    """The names holding Python lists: built by list operations, sliced, copied or carried."""
    ops = list(ir.ops_in(staged.body))
    lists = {op.target for op in ops if op.rule in ("list_append", "list_make") or op.param("outputs", "1") != "1"}
    lists |= {str(op.args[0]) for op in ops if op.rule in ("list_append", "list_sum", "np.stack_list")
              and isinstance(op.args[0], ir.Var)}
    lists |= {op.target for op in ops if op.rule == "copy" and op.source == "[]"}
    changed = True
    while changed:  # slices and copies of lists are lists; so are loops' carried lists
        size = len(lists)
        for op in ops:
            base = op.args[0] if op.args else None
            if isinstance(base, ir.Var) and base.name in lists and (
                    op.rule == "copy" or (op.rule == "getitem" and ":" in (op.param("index") or ""))):
                lists.add(op.target)
        for loop in _loops(staged.body):
            for carried, value in loop.exits:
                if isinstance(value, ir.Var) and value.name in lists:
                    lists.add(carried)
        changed = len(lists) != size
    return frozenset(lists)


def _visit_the_rest(staged, values, namespace):
    """Values the inputs did not reach (a branch not taken, a loop run 0 times), computed once
    from what is known, for their shapes only (a loop's variable taken as 0)."""
    def visit(items, env):
        for item in items:
            if isinstance(item, ir.Op):
                if item.target not in values:
                    try:
                        values[item.target] = env[item.target] = eval(item.source, namespace, env)
                    except Exception:
                        continue  # still unknown: a rule that needs it says so
            elif isinstance(item, ir.If):
                visit(item.body, env)
                visit(item.orelse, env)
            else:
                inner = dict(env)
                if item.var:
                    inner[item.var] = 0
                visit(item.body, inner)
                env.update({k: v for k, v in inner.items() if k not in env})
                for carried, value in item.exits:  # after one iteration, as after the loop
                    if isinstance(value, ir.Var) and value.name in inner:
                        env[carried] = inner[value.name]
    visit(staged.body, dict(values))


def _loops(items):
    for item in items:
        if isinstance(item, ir.Loop):
            yield item
        if isinstance(item, (ir.Loop, ir.If)):
            yield from _loops(item.body)
        if isinstance(item, ir.If):
            yield from _loops(item.orelse)


def error_at_def(staged, message):
    """A BackgenError pointing at the function's ``def`` line."""
    text = staged.lines[staged.line - 1] if 0 < staged.line <= len(staged.lines) else None
    col = len(text) - len(text.lstrip()) + 1 if text else None
    return BackgenError(message, staged.filename, staged.line or None, col, text)


def check_differentiable(staged, args):
    """Refuse integer and boolean inputs in ``wrt``: they carry no gradient."""
    for name, value in zip(staged.params, args):
        if name not in staged.wrt:
            continue
        array = isinstance(value, np.ndarray)
        integral = isinstance(value, (bool, np.bool_)) or (array and value.dtype.kind in "biu") \
            or (staged.mode == "numpy" and isinstance(value, (int, np.integer)))
        if integral:
            what = "boolean" if np.asarray(value).dtype.kind == "b" else "integer"
            raise error_at_def(staged, f"{staged.name}(): {name!r} is {what} ({np.asarray(value).dtype}): "
                                       "it carries no gradient; leave it out of wrt, or pass floats")
