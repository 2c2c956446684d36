"""Former home of the NumPy rules, kept as a name: everything lives in ``backgen.rules``."""

from .rules import (ALIASES, INERT, INERT_ATTRIBUTES, INERT_METHODS, METHOD_SIGNATURES, METHODS,  # noqa: F401
                    NUMPY, OPAQUE, SIGNATURES, Scatter, check)
