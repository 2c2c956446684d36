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

Where the product is the only use the loop makes of ``Xi`` (and ``X`` needs a
gradient), ``dX`` is formed the same way (``dX += ds_rows.dot(W.T)``) instead of
``dX[i] += W.dot(ds)`` per iteration.

Each ``RowProduct`` names the product (``op``), the array of rows (``rows``,
made as ``zeros`` before the backward loop, ``rows[i] = ds`` where the product
is undone) and, per operand summed after the loop, its position, the name
whose adjoint receives the sum and the sum (``sums``).
"""

import re
from dataclasses import dataclass

from . import ir

PRODUCTS = {"np.dot": "{a}.dot({b})", "np.matmul": "{a} @ {b}"}


@dataclass(frozen=True)
class RowProduct:
    op: ir.Op
    rows: str  # the name of the array of each iteration's adjoints of the product
    zeros: str  # the array's initial value
    sums: tuple  # ((operand position, name, what its adjoint receives after the loop), ...)


def row_products(loop, inside, staged, active, fresh):
    """The products in ``loop`` whose operands' adjoints are summed after the loop: the loop-invariant
    operand ``W`` (``dW += X.T.dot(ds_rows)``) where it needs one, and the row ``Xi`` too
    (``dX += ds_rows.dot(W.T)``) where the product is all the loop does with it."""
    if loop.kind != "for" or loop.breaks or not loop.var or staged.shape_free:
        return ()  # (shape-generic code: the rows' ranks are not known)
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
    readers = {}  # how many operations of the loop differentiate through each name
    for op in ir.ops_in(loop.body):
        if op.rule != "inert":
            for arg in op.args:
                if isinstance(arg, ir.Var):
                    readers[arg.name] = readers.get(arg.name, 0) + 1
    handed = {value.name for _, value in loop.exits if isinstance(value, ir.Var)}
    out = []
    for op in body_ops:
        if op.rule not in PRODUCTS or op.target not in active or len(op.args) != 2 \
                or not all(isinstance(a, ir.Var) for a in op.args):
            continue
        names = [a.name for a in op.args]
        for position in (0, 1):  # of W
            row, weight = names[1 - position], names[position]
            if row not in rows_of or weight in inside or weight in staged.lists or weight == row \
                    or len(shapes.get(weight, ())) not in (1, 2) or len(shapes.get(row, ())) != 1:
                continue
            matrix = rows_of[row]
            whole_row = row in active and readers.get(row) == 1 and row not in handed
            if weight not in active and not whole_row:
                continue
            rows = fresh(f"d{op.target}_rows")
            form = PRODUCTS[op.rule]
            if len(shapes[weight]) == 1:  # a number per row
                zeros = f"{np_name}.zeros({count})"
                weight_total = form.format(a=f"{matrix}.T", b=rows)
                row_total = f"{np_name}.outer({rows}, {weight})"
            elif position == 1:  # Xi . W
                zeros = f"{np_name}.zeros(({count}, {_dim(weight, 1, staged, loop)}))"
                weight_total = form.format(a=f"{matrix}.T", b=rows)
                row_total = form.format(a=rows, b=f"{weight}.T")
            else:  # W . Xi
                zeros = f"{np_name}.zeros(({count}, {_dim(weight, 0, staged, loop)}))"
                weight_total = form.format(a=f"{rows}.T", b=matrix)
                row_total = form.format(a=rows, b=weight)
            sums = ((position, weight, weight_total),) if weight in active else ()
            if whole_row:
                sums += ((1 - position, matrix, row_total),)
            out.append(RowProduct(op, rows, zeros, sums))
            break
    return tuple(out)


def _counts_rows(count, matrix, staged):
    """Whether the name ``count`` holds the number of rows of ``matrix`` (len(X), X.shape[0]), both
    set once for the whole function (outside every loop, and carried by none)."""
    carried = {name for loop in ir.loops_in(staged.body) for name in loop.carried}
    top = {op.target for op in staged.body if isinstance(op, ir.Op)} | set(staged.params)
    if count in carried or matrix in carried or matrix not in top:
        return False
    for op in staged.body:
        if isinstance(op, ir.Op) and op.target == count:
            return op.rule == "inert" and op.source in (f"{matrix}.shape[0]", f"len({matrix})")
    return False



def _dim(weight, axis, staged, loop):
    """``W.shape[axis]``, or the name the function gave it before the loop (num_classes)."""
    text = f"{weight}.shape[{axis}]"
    for item in staged.body:
        if item is loop:
            break
        if isinstance(item, ir.Op) and item.rule == "inert" and item.source == text:
            return item.target
    return text
