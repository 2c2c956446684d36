"""Sample runs through linear systems the samples make singular.

A stiffness matrix assembled from a mesh is invertible only where the mesh holds together: sample
connectivity drawn at random (``elems`` declared ``"int 9, 2"``) leaves nodes no element touches,
and ``np.linalg.solve(K[free][:, free], f[free])`` raises ``LinAlgError`` on it, though the code is
right for every mesh a user gives; so does the matrix of an assembly loop the walk for shapes leaves
after a few elements.  Shapes, not values, are what a sample run is for, so ``tolerated()`` runs it
with ``np.linalg.solve`` and ``np.linalg.inv`` answering a singular system by the pseudo-inverse (zeros
where even that fails): the same shapes as the exact answer; ``LINALG`` is ``np.linalg`` with those two
for the walk's own NumPy.  Only sample runs use them; the backward a user runs calls NumPy's own.
"""

import contextlib

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


@contextlib.contextmanager
def tolerated():
    """Within it, ``np.linalg.solve`` and ``np.linalg.inv`` of a singular matrix give the pseudo-inverse's
    answer instead of raising (see the module's contract)."""
    saved = np.linalg.solve, np.linalg.inv
    np.linalg.solve, np.linalg.inv = _solve, _inv
    try:
        yield
    finally:
        np.linalg.solve, np.linalg.inv = saved
