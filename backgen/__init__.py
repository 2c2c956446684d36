"""backgen: turn a Python forward function into the backward a careful person writes.

Pipeline: ``parse`` (read and fence) -> ``stage`` (one operation per line) ->
``reverse`` (adjoints from the rule table) -> ``emit`` (source text).  The
public entry points live in ``api``; the command line in ``cli``.
"""

__version__ = "0.1.0"  # before the imports: the command line reads it

from .api import backward, generate, gradcheck, layer
from .check import check
from .errors import BackgenError
from .explain import explain
from .graph import graph

__all__ = ["BackgenError", "backward", "check", "explain", "generate", "gradcheck", "graph", "layer"]
