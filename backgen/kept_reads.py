"""Forwards read once per generation: a function read again within one is copied, not read again.

Contract:

* Between ``keep()`` and ``forget()`` (the start and the end of the outermost generation of this
  thread: ``api._generation``), ``parse.read`` remembers what it read; outside them it remembers nothing.
  Within a generation nothing a read depends on changes: backgen runs none of the user's code, so
  the function's source, its module's values and its closure's are those of the first read.
* ``key(func_or_source, name, filename, helper, self_class)``: what a read is remembered under (the
  text of a source; a function, or a lifted helper, by its identity, held while remembered), or None
  where it cannot be remembered (a ``bytearray``, an unhashable class).
* ``found(key, func_or_source)``: a copy of the Forward remembered for ``key``, or None.
* ``remember(key, func_or_source, forward)``: remember a copy of ``forward`` as read (the caller
  goes on changing its own).
* A copy is what reading again gives: the function's tree (with the nodes listed of it, and the
  module's literals, trees too) copied deeply, every other dict, set and list of the Forward copied,
  the values they hold (the user's functions, modules' names) shared, as a new read shares them.
  A Forward that cannot be copied so is not remembered.
"""

import ast
import copy
import threading

from .source import tree_copy

_STATE = threading.local()  # .known: key -> (the function or text read, a copy of its Forward), in a generation
_DEEP = frozenset({"nodes", "literals", "inlined"})  # (besides the trees: fields holding trees or nodes)
_LEFT = frozenset({"_stagings"})  # (what was worked out of the Forward's own tree: stage.STAGINGS)


def keep():
    """Start remembering reads (the outermost generation of this thread begins)."""
    _STATE.known = {}


def forget():
    """Stop remembering reads, forgetting them (the outermost generation of this thread ends)."""
    _STATE.known = None


def key(func_or_source, name, filename, helper, self_class):
    if getattr(_STATE, "known", None) is None or isinstance(func_or_source, bytearray):
        return None
    held = func_or_source if isinstance(func_or_source, (str, bytes)) else id(func_or_source)
    found = (type(func_or_source), held, name, filename, helper, self_class)
    try:
        hash(found)
    except TypeError:
        return None
    return found


def found(key, func_or_source):
    known = getattr(_STATE, "known", None)
    if key is None or not known or key not in known:
        return None
    held, forward = known[key]
    if not isinstance(held, (str, bytes)) and held is not func_or_source:
        return None
    return _copied(forward)


def remember(key, func_or_source, forward):
    known = getattr(_STATE, "known", None)
    if key is None or known is None:
        return
    try:
        known[key] = (func_or_source, _copied(forward))
    except Exception:  # noqa: BLE001 -- (a value that cannot be copied: read again each time)
        known.pop(key, None)


def _copied(forward):
    """A Forward like ``forward``, sharing no tree nor container with it (see the module doc)."""
    memo = {}
    new = copy.copy(forward)
    for name, value in list(forward.__dict__.items()):
        if name in _LEFT:
            del new.__dict__[name]
            continue
        if isinstance(value, ast.AST) or name in _DEEP:
            value = tree_copy(value, memo)
        elif isinstance(value, (dict, set, list)):
            value = copy.copy(value)
        object.__setattr__(new, name, value)
    return new
