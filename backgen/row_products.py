"""Products of a loop's row with a value the loop does not change, summed as one matrix product.

Contract: ``row_products(loop, inside, staged, active, fresh) -> (RowProduct, ...)``.

A loop ``for i in range(n)`` whose body computes ``Xi = X[i]`` (``X`` a matrix the
loop does not write, ``n`` its number of rows, ``len(X)`` or ``X.shape[0]``) and
then ``s = Xi.dot(W)`` (or ``W.dot(Xi)``, ``Xi @ W``, ``W @ Xi``; ``W`` a vector or
matrix the loop does not write), once per iteration (at the top of the body),
adds ``np.outer(X[i], ds)`` to ``dW`` in every backward iteration.  A careful
person keeps each iteration's ``ds`` as a row instead (``ds_rows[i] = ds``) and
forms ``dW`` once after the loop (``dW += X.T.dot(ds_rows)``): the same sum, one
matrix product instead of ``n`` outer products added one by one.

Each ``RowProduct`` names the product (``op``), the operand position of ``W``
in it, the list of rows (``rows``, made as ``zeros`` before the backward loop)
and the sum the adjoint of ``W`` receives after it (``total``).
"""

import re
from dataclasses import dataclass

from . import ir

PRODUCTS = {"np.dot": "{a}.dot({b})", "np.matmul": "{a} @ {b}"}


@dataclass(frozen=True)
class RowProduct:
    op: ir.Op
    position: int  # of W among the product's operands
    weight: str  # W
    rows: str  # the name of the array of each iteration's adjoints of the product
    zeros: str  # the array's initial value
    total: str  # what the adjoint of W receives after the loop


def row_products(loop, inside, staged, active, fresh):
    """The products in ``loop`` whose adjoint for the loop-invariant operand is summed after the loop."""
    if loop.kind != "for" or loop.breaks or not loop.var:
        return ()
    found = re.fullmatch(r"range\((\w+)\)", loop.iterable)
    if not found:
        return ()
    count = found.group(1)
    inside = set(inside) | set(loop.carried)  # a carried name is the value as each iteration starts
    shapes, np_name = staged.shapes, staged.modules.get("np", "np")
    body_ops = [item for item in loop.body if isinstance(item, ir.Op)]
    if any(op.target == loop.var for op in ir.ops_in(loop.body)):
        return ()
    rows_of = {}  # Xi -> X, for Xi = X[i]
    for op in body_ops:
        if op.rule == "getitem" and op.param("index") == loop.var and len(op.args) == 1 \
                and isinstance(op.args[0], ir.Var) and op.args[0].name not in inside \
                and op.args[0].name not in staged.lists and len(shapes.get(op.args[0].name, ())) == 2 \
                and _counts_rows(count, op.args[0].name, staged):
            rows_of[op.target] = op.args[0].name
    out = []
    for op in body_ops:
        if op.rule not in PRODUCTS or op.target not in active or len(op.args) != 2 \
                or not all(isinstance(a, ir.Var) for a in op.args):
            continue
        names = [a.name for a in op.args]
        for position in (0, 1):
            row, weight = names[1 - position], names[position]
            if row not in rows_of or weight not in active or weight in inside or weight in staged.lists \
                    or weight == row or len(shapes.get(weight, ())) not in (1, 2):
                continue
            if len(shapes.get(row, ())) != 1:
                continue
            matrix = rows_of[row]
            rows = fresh(f"d{op.target}_rows")
            form = PRODUCTS[op.rule]
            if len(shapes[weight]) == 1:  # a number per row: dW = X.T . rows
                zeros = f"{np_name}.zeros({count})"
                total = form.format(a=f"{matrix}.T", b=rows)
            elif position == 1:  # Xi . W: dW = X.T . rows
                zeros = f"{np_name}.zeros(({count}, {_dim(weight, 1, staged, loop)}))"
                total = form.format(a=f"{matrix}.T", b=rows)
            else:  # W . Xi: dW = rows.T . X
                zeros = f"{np_name}.zeros(({count}, {_dim(weight, 0, staged, loop)}))"
                total = form.format(a=f"{rows}.T", b=matrix)
            out.append(RowProduct(op, position, weight, rows, zeros, total))
            break
    return tuple(out)


def _counts_rows(count, matrix, staged):
    """Whether the name ``count`` holds the number of rows of ``matrix`` (len(X), X.shape[0]), both
    set once for the whole function (outside every loop, and carried by none)."""
    carried = {name for loop in _loops(staged.body) for name in loop.carried}
    top = {op.target for op in staged.body if isinstance(op, ir.Op)} | set(staged.params)
    if count in carried or matrix in carried or matrix not in top:
        return False
    for op in staged.body:
        if isinstance(op, ir.Op) and op.target == count:
            return op.rule == "inert" and op.source in (f"{matrix}.shape[0]", f"len({matrix})")
    return False


def _loops(items):
    for item in items:
        if isinstance(item, ir.Loop):
            yield item
        if isinstance(item, (ir.Loop, ir.If)):
            yield from _loops(item.body)
            yield from _loops(getattr(item, "orelse", ()))


def _dim(weight, axis, staged, loop):
    """``W.shape[axis]``, or the name the function gave it before the loop (num_classes)."""
    text = f"{weight}.shape[{axis}]"
    for item in staged.body:
        if item is loop:
            break
        if isinstance(item, ir.Op) and item.rule == "inert" and item.source == text:
            return item.target
    return text
