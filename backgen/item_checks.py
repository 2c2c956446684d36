"""Parameters taken for one array whose items the code reads one at a time.

Without shapes, a parameter the code reads as ``p[0]``, ``p[1]`` (or ``p[i]``), neither iterated nor
taken for a list of arrays of several shapes (``shape_free.item_lists``), is one array, or a list of
arrays of one shape: its gradient is made by ``np.zeros_like(p)``.  A list of arrays of several
shapes given for it (a network's weights and biases) would make NumPy raise there, far from the
cause; the backward checks, as it starts, that it is not one (``_several_shapes``), as it does for
the lists it iterates.
"""

from . import ir


def items_read(staged, params):
    """Those of ``params`` that ``staged`` reads by one integer index (``p[0]``, ``p[k]``)."""
    from .shape_free import _item_index  # (which imports the modules this one's users import)

    found = set()
    for op in ir.ops_in(staged.body):
        if op.rule == "getitem" and op.args and isinstance(op.args[0], ir.Var) and op.args[0].name in params and \
                _item_index(op.param("index") or "") == "item":
            found.add(op.args[0].name)
    return tuple(p for p in params if p in found)
