"""Where a function makes complex numbers, and which arguments hold them: both refused.

backgen's rules are those of real arithmetic: the gradient of ``np.abs(z)`` is ``np.sign(z)`` times
the upstream, that of ``A @ x`` is ``A.T @ dout``.  For complex values these give complex "gradients"
that are no gradient of the real loss, so a complex value must never reach them.  Complex constants
(``1j``) are refused where the function is read; this module finds the other ways complex arrays are
made: a complex type given as a ``dtype`` (``np.zeros(n, dtype=complex)``, ``x.astype(np.complex64)``,
``np.ones_like(x, dtype='complex128')``) or called (``complex(a, b)``, ``np.complex128(x)``), and, for
the decorator, which sees the values, the arguments holding complex numbers (``complex_argument``).
Where the forward reads real parts or conjugates (``x.real``, ``np.conj(x)``: code written for complex
data too), a generated backward checks its parameters hold no complex numbers (``read_as_complex``).
"""

import ast

import numpy as np

_TYPE_NAMES = frozenset({"complex64", "complex128", "complex256", "complex_", "cdouble", "csingle", "clongdouble",
                         "cfloat", "clongfloat", "singlecomplex", "longcomplex", "complexfloating"})
_TYPE_STRINGS = frozenset({"complex", "complex64", "complex128", "complex256", "c8", "c16", "c32", "D", "F", "G",
                           "<c8", "<c16", ">c8", ">c16", "cdouble", "csingle", "cfloat"})
_CHECKS = frozenset({"isinstance", "issubclass", "issubdtype", "iscomplexobj", "iscomplex", "isrealobj", "isreal",
                     "can_cast", "result_type", "promote_types", "finfo", "dtype"})  # (they ask; they make nothing)
_DTYPE_AT = {"zeros": 1, "ones": 1, "empty": 1, "zeros_like": 1, "ones_like": 1, "empty_like": 1, "array": 1,
             "asarray": 1, "asanyarray": 1, "ascontiguousarray": 1, "full": 2, "full_like": 2, "eye": 3,
             "identity": 1, "astype": 0, "fromiter": 1}  # where a constructor takes its dtype by position


def _named(node):
    """Whether ``node`` names a complex type: ``complex``, ``np.complex128`` and the like."""
    if isinstance(node, ast.Name):
        return node.id == "complex" or node.id in _TYPE_NAMES
    return isinstance(node, ast.Attribute) and node.attr in _TYPE_NAMES


def _spelled(node):
    """Whether ``node`` is a string naming a complex dtype (``'complex128'``, ``'c16'``)."""
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip() in _TYPE_STRINGS


def complex_made(call):
    """The part of the call ``call`` that makes it give complex numbers (the complex type it calls or
    names as its dtype), or None where it makes none that way."""
    func = call.func
    called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    if called in _CHECKS:
        return None
    if _named(func):  # complex(a, b), np.complex128(x)
        return func
    for keyword in call.keywords:
        if keyword.arg == "dtype" and (_named(keyword.value) or _spelled(keyword.value)):
            return keyword.value
    for k, arg in enumerate(call.args):  # (a string elsewhere may be an order: np.zeros(n, float, 'F'))
        if _named(arg) or _DTYPE_AT.get(called) == k and _spelled(arg):
            return arg
    return None


def message(node):
    """The refusal of the complex type named at ``node``."""
    return (f"{ast.unparse(node)} makes complex numbers: backgen differentiates real arithmetic only (write the "
            "real and imaginary parts as real arrays, and |z|^2 as re**2 + im**2)")


def complex_argument(value, depth=0):
    """Whether the argument ``value`` holds complex numbers (a complex number or array, or a list, tuple or
    dict holding one)."""
    if isinstance(value, np.ndarray):
        return value.dtype.kind == "c"
    if isinstance(value, (complex, np.complexfloating)):
        return True
    if depth < 4 and isinstance(value, (list, tuple)):
        return any(complex_argument(v, depth + 1) for v in value[:1000])
    if depth < 4 and isinstance(value, dict):
        return any(complex_argument(v, depth + 1) for v in list(value.values())[:1000])
    return False


def read_as_complex(staged):
    """The parameters of the staged forward ``staged`` a generated backward checks to hold no complex
    numbers as it starts: all of them where it reads a real part or a conjugate, none otherwise."""
    from .ir import ops_in  # noqa: PLC0415 -- (ir's walk of the lines; this module is read before it)
    if not any(op.rule in ("np.real", "np.conjugate") for op in ops_in(staged.body)):
        return ()
    return tuple(staged.params)
