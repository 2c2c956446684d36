"""Measurements the benchmarks share: interleaved timing, peak memory, a time printed in its unit.

Contract:

* ``median_times(calls, seconds, sample_seconds=0.02, clock=time.perf_counter, min_rounds=3)``
  times each ``(function, args)`` of ``calls`` in rounds that interleave them (a busy spell of the
  machine slows one round alike), each sample a loop of about ``sample_seconds``, for about
  ``seconds`` and at least ``min_rounds`` rounds; it returns the median seconds per call of each,
  and the median of the per-round ratios of each to the first (the first's is 1.0).  ``clock``
  measures the samples (``time.process_time``: CPU time of this process).
* ``peak_memory(function, args)``: the bytes ``tracemalloc`` sees allocated at the peak of one call,
  over what was allocated before it.
* ``duration(seconds)``: three digits in the unit that suits them, 8 characters wide.
"""

import statistics
import time
import tracemalloc


def median_times(calls, seconds, sample_seconds=0.02, clock=time.perf_counter, min_rounds=3):
    loops = []
    for function, args in calls:
        start = clock()
        function(*args)
        once = clock() - start
        loops.append(max(1, int(sample_seconds / max(once, 1e-7))))
    samples = [[] for _ in calls]
    end = time.perf_counter() + seconds
    rounds = 0
    while rounds < min_rounds or (time.perf_counter() < end and rounds < 41):
        for k, (function, args) in enumerate(calls):
            start = clock()
            for _ in range(loops[k]):
                function(*args)
            samples[k].append((clock() - start) / loops[k])
        rounds += 1
    ratios = [statistics.median(other / first for first, other in zip(samples[0], s)) for s in samples]
    return [statistics.median(s) for s in samples], ratios


def peak_memory(function, args):
    tracemalloc.start()
    tracemalloc.reset_peak()
    before, _ = tracemalloc.get_traced_memory()
    function(*args)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak - before


def duration(seconds):
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale * 0.9995 or unit == "us":
            value = seconds / scale
            digits = 0 if value >= 99.95 else 1 if value >= 9.995 else 2
            return f"{value:>{7 - len(unit)}.{digits}f} {unit}"
    return ""
