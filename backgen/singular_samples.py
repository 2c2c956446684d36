"""Sample runs through linear systems the samples make singular.

A stiffness matrix assembled from a mesh is invertible only where the mesh holds together: sample
connectivity drawn at random (``elems`` declared ``"int 9, 2"``) leaves nodes no element touches,
and ``np.linalg.solve(K[free][:, free], f[free])`` raises ``LinAlgError`` on it, though the code is
right for every mesh a user gives; so does the matrix of an assembly loop the walk for shapes leaves
after a few elements.  Shapes, not values, are what a sample run is for, so ``tolerated()`` runs it
with ``np.linalg.solve`` and ``np.linalg.inv`` answering a singular system by the pseudo-inverse (zeros
where even that fails): the same shapes as the exact answer; ``LINALG`` is ``np.linalg`` with those two
for the walk's own NumPy.  Only sample runs read them, through a NumPy of their own
(``numpy_for_samples``): NumPy itself, and the backward a user runs, are left alone.
"""

import contextlib
import threading

import numpy as np

_EXACT = {"solve": np.linalg.solve, "inv": np.linalg.inv}


def _singular(exc):
    """Whether NumPy's ``exc`` says the matrix is singular (not that it is no square matrix)."""
    return "singular" in str(exc).lower()


def _solve(a, b):
    try:
        return _EXACT["solve"](a, b)
    except np.linalg.LinAlgError as exc:
        if not _singular(exc):
            raise
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        try:
            return np.matmul(np.linalg.pinv(a), b)
        except np.linalg.LinAlgError:  # (values not finite)
            return np.matmul(np.zeros_like(a), b)


def _inv(a):
    try:
        return _EXACT["inv"](a)
    except np.linalg.LinAlgError as exc:
        if not _singular(exc):
            raise
        a = np.asarray(a, dtype=float)
        try:
            return np.linalg.pinv(a)
        except np.linalg.LinAlgError:
            return np.zeros_like(np.swapaxes(a, -1, -2))


class _Linalg:
    """``np.linalg`` whose solve and inv answer a singular system (see the module's contract)."""

    solve = staticmethod(_solve)
    inv = staticmethod(_inv)

    def __getattr__(self, name):
        return getattr(np.linalg, name)


LINALG = _Linalg()


class _TolerantNumPy:
    """NumPy, its ``linalg`` ``LINALG``: what the sample runs within ``tolerated()`` read as ``np``."""

    linalg = LINALG

    def __getattr__(self, name):
        return getattr(np, name)


_TOLERANT = _TolerantNumPy()
_STATE = threading.local()


def numpy_for_samples():
    """The NumPy a sample run reads as ``np``: NumPy itself, or within ``tolerated()`` (on this thread) one
    whose solve and inv answer a singular system."""
    return _TOLERANT if getattr(_STATE, "depth", 0) else np


@contextlib.contextmanager
def tolerated():
    """Within it, the sample runs on this thread (``numpy_for_samples``) solve and invert a singular matrix
    by the pseudo-inverse instead of raising (see the module's contract); NumPy itself is left alone."""
    _STATE.depth = getattr(_STATE, "depth", 0) + 1
    try:
        yield
    finally:
        _STATE.depth -= 1
