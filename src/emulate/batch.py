"""Work on many files at once: in chunks, on every core when there are enough of them.

A provincial board scores every bloc of the province in one run, thousands of
files. Reading and checking a file is pure Python, so one process uses one
core; `map_chunks` hands chunks of the list to a process pool when the list is
long enough for the pool to pay for itself, and reports progress as chunks
come back. Results come back in the order of the items, so a run's output does
not depend on which core finished first.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: below this many items one process is faster than starting a pool (measured: ~0.1 s to start one)
POOL_FROM = 300
CHUNK = 100

Progress = Callable[[int, int], None]


def cores() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_chunks(work: Callable[[Sequence[T]], list[R]], items: Sequence[T], progress: Progress | None = None,
               pool_from: int | None = None, workers: int | None = None) -> list[R]:
    """`work(chunk)` (one result per item) over chunks of `items`, concatenated in order;
    `progress(done, total)` after each chunk.

    `work` must be picklable (a module-level function, or a functools.partial of one)
    when a pool is used: with at least `pool_from` items and more than one core.
    """
    workers = workers if workers is not None else min(cores(), 8)
    pooled = len(items) >= (POOL_FROM if pool_from is None else pool_from) and workers > 1
    # in a pool, a few chunks per worker: each chunk pays for its set-up (a worker reads the ruleset)
    size = max(CHUNK, -(-len(items) // (workers * 4))) if pooled else CHUNK
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    results: list[R] = []

    def collect(part: list[R]) -> None:
        results.extend(part)
        if progress is not None:
            progress(len(results), len(items))

    if not pooled:
        for chunk in chunks:
            collect(work(chunk))
        return results
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for part in pool.map(work, chunks):
            collect(part)
    return results
