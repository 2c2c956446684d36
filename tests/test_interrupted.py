"""A generation left by an exception a signal handler raises (Ctrl-C in a notebook, a caller's
timeout by SIGALRM) may leave before the ``finally`` blocks that put the process back as it was
have run.  The next generation puts it back: the data limit of a sample run (which, kept, makes
the process raise MemoryError wherever its data next grows past it) and Python's cycle collector,
which generation pauses.  Sample runs of several threads share the process's one limit: the last
to end puts back the limit the first found.
"""

import gc

import pytest

import backgen
from backgen import api, kept_reads, shapes

resource = pytest.importorskip("resource")

NUMPY_SOURCE = "import numpy as np\n\ndef f(x):\n    return np.sum(np.tanh(x) * x)\n"


def test_a_sample_runs_memory_bound_left_in_place_is_put_back_by_the_next_generation(monkeypatch):
    original = resource.getrlimit(resource.RLIMIT_DATA)
    if original[0] != resource.RLIM_INFINITY:
        pytest.skip("the process is bounded already: sample runs keep that bound")
    real = resource.setrlimit
    calls = []

    def interrupted(which, limits):  # the put-back stopped, as a signal handler's exception stops it
        calls.append(limits)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real(which, limits)
    try:
        monkeypatch.setattr(resource, "setrlimit", interrupted)
        with pytest.raises(KeyboardInterrupt):
            with shapes.bounded_memory(1 << 30):
                pass
        monkeypatch.undo()
        assert resource.getrlimit(resource.RLIMIT_DATA) != original  # (left bounded, as the exception left it)
        assert "np.tanh" in backgen.generate(NUMPY_SOURCE)  # (without shapes: sample runs, bounded)
        assert resource.getrlimit(resource.RLIMIT_DATA) == original
        assert shapes._HALFWAY.get() is None
    finally:
        real(resource.RLIMIT_DATA, original)


def test_the_cycle_collector_paused_by_a_generation_left_runs_again_after_the_next(monkeypatch):
    assert gc.isenabled()
    real = kept_reads.forget
    calls = []

    def interrupted():  # the end of the generation stopped before the collector runs again
        calls.append(None)
        if len(calls) == 1:
            raise KeyboardInterrupt
        real()
    try:
        monkeypatch.setattr(kept_reads, "forget", interrupted)
        with pytest.raises(KeyboardInterrupt):
            backgen.generate("def f(x):\n    return x * x\n")
        assert not gc.isenabled()  # (as the exception left it)
        assert "dx" in backgen.generate("def f(x):\n    return x * x\n")
        assert gc.isenabled()
        with api._generation():  # (a generation after it starts as the outermost: it keeps reads again)
            assert kept_reads._STATE.known == {}
    finally:
        gc.enable()


def test_blocks_of_two_threads_leave_the_limit_as_they_found_it():
    # one process, one limit: a block of a thread that ends while another thread's still runs leaves
    # that one's bound in force, and the last to end puts back the limit found (the blocks of two threads
    # used to put back each other's, the process left bounded for good)
    import threading
    original = resource.getrlimit(resource.RLIMIT_DATA)
    if original[0] != resource.RLIM_INFINITY:
        pytest.skip("the process is bounded already: sample runs keep that bound")
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def first():
        with shapes.bounded_memory(1 << 30):
            seen["first"] = resource.getrlimit(resource.RLIMIT_DATA)[0]
            a_in.set()
            b_in.wait(10)
        a_out.set()

    def second():
        a_in.wait(10)
        with shapes.bounded_memory(1 << 28):  # (tighter: in force while both run)
            b_in.set()
            seen["both"] = resource.getrlimit(resource.RLIMIT_DATA)[0]
            a_out.wait(10)
            seen["alone"] = resource.getrlimit(resource.RLIMIT_DATA)[0]
    try:
        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        # (the tighter bound in force: 256 MiB above what the process held then, a GiB above for the first;
        # the bytes it holds move between the two entries, so the two bounds are compared, not a reading)
        assert seen["both"] != resource.RLIM_INFINITY and seen["both"] < seen["first"] - (1 << 28)
        assert seen["alone"] == seen["both"]  # (the first's end leaves the second bounded as it was)
        assert resource.getrlimit(resource.RLIMIT_DATA) == original
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, original)
