"""Benchmarks: run with `make bench` (python -m benchmarks); not part of `make test`."""
from __future__ import annotations

import time


def cpu_reference(runs: int = 5) -> float:
    """A fixed pure-Python loop, best of `runs`: how fast this shared machine is right now
    (divide a figure by it before comparing two runs)."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        sum(range(2_000_000))
        best = min(best, time.perf_counter() - start)
    return best
