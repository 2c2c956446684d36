"""A cap on the memory a run on sample arrays may take.

Contract: ``with capped(): ...`` runs its body with the process's address space limited to what
it holds as the body starts plus ``HEADROOM``, and restores the limit after; an allocation past
it raises ``MemoryError``, which a sample run reports as any other failure of the forward on
those samples.  Sample arrays are small, but code written for one rank may grow the rank of
its values at others (``y = y + dt * np.dot(y, W)`` in a loop, ``y`` and ``W`` of rank 3: each
step adds axes), whose arrays would otherwise take all the machine's memory.  Where the
platform has no such limit (no ``resource``, no ``/proc/self/statm``), or a lower one is
already set, the body runs as it is.
"""

import contextlib
import os

try:
    import resource
except ImportError:  # (not on every platform)
    resource = None

HEADROOM = 1 << 28  # bytes of address space a sample run may add


@contextlib.contextmanager
def capped():
    """Run the body with at most ``HEADROOM`` more bytes of address space than held now."""
    cap = _cap()
    if cap is None:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY and soft <= cap or hard != resource.RLIM_INFINITY and hard < cap:
        yield  # (a lower limit already: a sample run within another, or the user's own)
        return
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _cap():
    """The address space to allow: the process's size now plus the headroom (None: not known)."""
    if resource is None or not hasattr(resource, "RLIMIT_AS"):
        return None
    try:
        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") + HEADROOM
