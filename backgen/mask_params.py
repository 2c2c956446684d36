"""Parameters the code uses as boolean masks: ``~mask``, ``mask & causal``, ``keep | pad``.

NumPy's ``~``, ``&``, ``|`` and ``^`` take integers and booleans and raise for floats, so a parameter (or
an item, slice or reshaped view of it, ``mask[None, :]``) that is an operand of one of them holds integers
or booleans; next to other masks, as a layer's padding mask or an MoE router's available experts are
written, booleans.  Shape-generic code is written on boolean samples of such a parameter, which is
never differentiated.
"""

import ast
from .source import walk

_BIT_OPS = (ast.BitAnd, ast.BitOr, ast.BitXor)


def mask_params(func, names):
    """Those of ``names`` (parameters of ``func``) that ``~``, ``&``, ``|`` or ``^`` take as an operand, directly
    or by an item, a slice or a reshape of them, before (or on) the first line that binds the name anew."""
    names = set(names)
    first_store = {}  # (mask = mask & causal: the operand read is the parameter's value, before the store)
    for n in walk(func):  # (a store a rewrite made has no line: it binds the name too, where unknown)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            line = getattr(n, "lineno", 0)
            first_store[n.id] = min(first_store.get(n.id, line), line)
    found = set()
    for node in walk(func):
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert):
            operands = [node.operand]
        elif isinstance(node, ast.BinOp) and isinstance(node.op, _BIT_OPS):
            operands = [node.left, node.right]
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, _BIT_OPS):
            operands = [node.value]
        else:
            continue
        for operand in operands:
            name = _base(operand)
            line = getattr(operand, "lineno", None)
            if name in names and (name not in first_store or line is not None and line <= first_store[name]):
                found.add(name)
    return found


def _base(node):
    """``m`` of ``m``, ``m[None, :]``, ``m[i]``, ``m.T``, ``m.reshape(...)``; else None."""
    while True:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Attribute) and node.attr == "T":
            node = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr in ("reshape", "ravel", "flatten", "squeeze"):
            node = node.func.value
        else:
            return None
