"""What carries no gradient, each with its reason: one table.

``NO_GRADIENT`` maps a function (``np.floor``), a method (``x.argmax()``) or
an attribute (``x.shape``) to ``(kinds, reason)``.  Kinds:

* ``refused``: in scalar code, a call whose gradient would have to flow
  through it is refused with the reason (``math.floor``);
* ``constant``: its result carries no gradient whatever its arguments (masks,
  indices, shapes, constructors, piecewise-constant functions);
* ``built``: a value built from its arguments: fine on constants, refused
  where a differentiated value would have to pass through it;
* ``fresh``: (with another kind) its result is certainly a new array.
"""

CONSTANT_ARRAY = "a constructor: its values do not depend on the inputs"
INDICES = "it returns indices (integers)"
BOOLEAN = "it returns booleans"
STEPS = "it is piecewise constant: its derivative is zero almost everywhere"
SHAPE = "it describes the shape, not the values"

NO_GRADIENT = {
    # scalar code: steps, as NumPy's below (x - L * round(x / L) has the slope 1 in x)
    "math.floor": ("constant", STEPS),
    "math.ceil": ("constant", STEPS),
    "math.trunc": ("constant", STEPS),
    "round": ("constant", STEPS),
    "int": ("constant", STEPS),
    "bool": ("constant", "it returns a boolean"),
    # scalar code: refused where a gradient would flow through them
    "math.factorial": ("refused", "it is defined on integers only"),
    "math.gcd": ("refused", "it is defined on integers only"),
    "math.comb": ("refused", "it is defined on integers only"),
    "math.perm": ("refused", "it is defined on integers only"),
    "math.isclose": ("refused", "it returns a boolean"),
    "math.isnan": ("refused", "it returns a boolean"),
    "math.isinf": ("refused", "it returns a boolean"),
    "math.isfinite": ("refused", "it returns a boolean"),
    # of integer labels a constant (their distinct values); of differentiated values refused
    "np.unique": ("refused", "its distinct values are followed for integers only, not a selection of "
                             "differentiated values"),
    # sets of indices (the free degrees of freedom: np.setdiff1d(np.arange(n), fixed)), as np.unique's
    "np.union1d": ("refused", "its sorted distinct values are followed for integers only, not a selection of "
                              "differentiated values"),
    "np.setdiff1d": ("refused", "its sorted distinct values are followed for integers only, not a selection of "
                                "differentiated values"),
    "np.intersect1d": ("refused", "its sorted distinct values are followed for integers only, not a selection "
                                  "of differentiated values"),
    # whether np.linalg's function raises on the arguments (the path a try catching LinAlgError takes)
    "np._linalg_fails": ("constant", "it returns a boolean"),
    # constructors
    "np.zeros": ("constant fresh", CONSTANT_ARRAY),
    "np.ones": ("constant fresh", CONSTANT_ARRAY),
    "np.zeros_like": ("constant fresh", CONSTANT_ARRAY),
    "np.ones_like": ("constant fresh", CONSTANT_ARRAY),
    "np.full_like": ("constant fresh", CONSTANT_ARRAY),
    "np.empty": ("constant fresh", CONSTANT_ARRAY),
    "np.empty_like": ("constant fresh", CONSTANT_ARRAY),
    "np.arange": ("constant fresh", CONSTANT_ARRAY),
    "np.eye": ("constant fresh", CONSTANT_ARRAY),
    "np.identity": ("constant fresh", CONSTANT_ARRAY),
    "np.tri": ("constant fresh", CONSTANT_ARRAY),
    "np.linspace": ("constant fresh", CONSTANT_ARRAY),
    "np.logspace": ("constant fresh", CONSTANT_ARRAY),
    "np.geomspace": ("constant fresh", CONSTANT_ARRAY),
    "np.hanning": ("constant fresh", CONSTANT_ARRAY),  # windows of a length: signal processing's tapers
    "np.hamming": ("constant fresh", CONSTANT_ARRAY),
    "np.blackman": ("constant fresh", CONSTANT_ARRAY),
    "np.bartlett": ("constant fresh", CONSTANT_ARRAY),
    "np.kaiser": ("constant fresh", CONSTANT_ARRAY),
    "np.fft.fftfreq": ("constant fresh", CONSTANT_ARRAY),  # the frequencies of a transform's bins
    "np.fft.rfftfreq": ("constant fresh", CONSTANT_ARRAY),
    "np.polynomial.legendre.leggauss": ("constant fresh", CONSTANT_ARRAY),  # a quadrature's nodes and weights
    "np.polynomial.hermite.hermgauss": ("constant fresh", CONSTANT_ARRAY),  # of a degree
    "np.polynomial.hermite_e.hermegauss": ("constant fresh", CONSTANT_ARRAY),
    "np.polynomial.laguerre.laggauss": ("constant fresh", CONSTANT_ARRAY),
    "np.polynomial.chebyshev.chebgauss": ("constant fresh", CONSTANT_ARRAY),
    # indices
    "np.argmax": ("constant", INDICES),
    "np.argmin": ("constant", INDICES),
    "np.argsort": ("constant", INDICES),
    "np.argpartition": ("constant", INDICES),
    "np.lexsort": ("constant", INDICES),
    "np.int64": ("constant", INDICES),
    # steps
    "np.floor": ("constant", STEPS),
    "np.ceil": ("constant", STEPS),
    "np.round": ("constant", STEPS),
    "np.rint": ("constant", STEPS),
    "np.trunc": ("constant", STEPS),
    "np.fix": ("constant", STEPS),
    "np.around": ("constant", STEPS),
    "np.floor_divide": ("constant", STEPS),  # (a // b of arrays: whole numbers)
    # booleans
    "np.isnan": ("constant", BOOLEAN),
    "np.isfinite": ("constant", BOOLEAN),
    "np.logical_and": ("constant", BOOLEAN),
    "np.logical_xor": ("constant", BOOLEAN),
    "np.isinf": ("constant", BOOLEAN),
    "np.isclose": ("constant", BOOLEAN),
    "np.allclose": ("constant", BOOLEAN),
    "np.array_equal": ("constant", BOOLEAN),
    "np.isin": ("constant", BOOLEAN),
    "np.signbit": ("constant", BOOLEAN),
    "np.heaviside": ("constant", STEPS),
    "np._binom": ("built", "a binomial coefficient, read of integers no gradient flows through"),
    "np.count_nonzero": ("constant", INDICES),
    "np.linalg.matrix_rank": ("constant", INDICES),
    "np.nonzero": ("constant", INDICES),
    "np.flatnonzero": ("constant", INDICES),
    "np.argwhere": ("constant", INDICES),
    "np.triu_indices": ("constant", INDICES),
    "np.tril_indices": ("constant", INDICES),
    "np.diag_indices": ("constant", INDICES),
    "np.diag_indices_from": ("constant", INDICES),
    "np.triu_indices_from": ("constant", INDICES),
    "np.tril_indices_from": ("constant", INDICES),
    "np.indices": ("constant", INDICES),
    "np.ix_": ("constant", INDICES),
    "np.unravel_index": ("constant", INDICES),
    "np.ravel_multi_index": ("constant", INDICES),
    "range": ("constant", INDICES),
    "np.searchsorted": ("constant", INDICES),
    "np.digitize": ("constant", INDICES),
    "np.logical_or": ("constant", BOOLEAN),
    "np.any": ("constant", BOOLEAN),
    "np.all": ("constant", BOOLEAN),
    "np.logical_not": ("constant", BOOLEAN),
    "np.equal": ("constant", BOOLEAN),
    "np.not_equal": ("constant", BOOLEAN),
    "np.greater": ("constant", BOOLEAN),
    "np.less": ("constant", BOOLEAN),
    "np.greater_equal": ("constant", BOOLEAN),
    "np.less_equal": ("constant", BOOLEAN),
    # shapes
    "np.shape": ("constant", SHAPE),
    "np.ndim": ("constant", SHAPE),
    "np.size": ("constant", SHAPE),
    "np.broadcast_shapes": ("constant", SHAPE),
    "len": ("constant", SHAPE),
    # values built from their arguments (np.array of values is stacked: see stage_calls)
    "np.array": ("built", "an array built from its arguments"),
    "np.asarray": ("built", "an array built from its arguments"),
    "np.float64": ("built", "a number built from its argument"),
    "np.float32": ("built", "a number built from its argument"),
    "float": ("built", "a number built from its argument"),
    # methods and attributes
    "x.argmax()": ("constant", INDICES),
    "x.argmin()": ("constant", INDICES),
    "x.argsort()": ("constant", INDICES),
    "x.nonzero()": ("constant", INDICES),
    "x.round()": ("constant", STEPS),
    "x.argpartition()": ("constant", INDICES),
    "x.index()": ("constant", "it returns the place of an item in a list (an integer)"),
    "x.count()": ("constant", "it counts the items equal to a value (an integer)"),
    "x.all()": ("constant", BOOLEAN),
    "x.any()": ("constant", BOOLEAN),
    "x.shape": ("constant", SHAPE),
    "x.ndim": ("constant", SHAPE),
    "x.size": ("constant", SHAPE),
    "x.dtype": ("constant", SHAPE),
}


# constructors whose numbers are some of their arguments' (the rest give a shape): a differentiated
# value in one of these would need a gradient, which backgen does not write; it refuses the line
# (position, keyword) of each such argument
VALUE_ARGUMENTS = {
    "np.full": ((1, "fill_value"),),  # (staged so where its dtype is not a float type: its rule's otherwise)
    "np.full_like": ((1, "fill_value"),),
    "np.linspace": ((0, "start"), (1, "stop")),
    "np.logspace": ((0, "start"), (1, "stop"), (4, "base")),
    "np.geomspace": ((0, "start"), (1, "stop")),
    "np.arange": ((0, "start"), (1, "stop"), (2, "step")),
    "np.kaiser": ((1, "beta"),),
    "np.fft.fftfreq": ((1, "d"),),
    "np.fft.rfftfreq": ((1, "d"),),
}


def _functions(kind):
    return {name for name, (kinds, _) in NO_GRADIENT.items() if kind in kinds.split() and not name.startswith("x.")}


NOT_DIFFERENTIABLE = {name: NO_GRADIENT[name][1] for name in _functions("refused")}
INERT = _functions("constant")
OPAQUE = _functions("built")
OPAQUE_REASONS = {  # (refusals saying their own reason)
    "np._binom": "scipy.special's binom and comb are read of numbers no gradient flows through (a Bernstein "
                 "basis's integers): write the coefficient's formula where its arguments are differentiated",
}
INERT_METHODS = {name[2:-2] for name in NO_GRADIENT if name.startswith("x.") and name.endswith("()")}
INERT_ATTRIBUTES = {name[2:] for name in NO_GRADIENT if name.startswith("x.") and not name.endswith("()")}
FRESH = {name.split(".")[-1] for name in _functions("fresh")}
