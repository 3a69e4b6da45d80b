"""Work on many files at once: in chunks, on every core when there are enough of them.

A provincial board scores every bloc of the province in one run, thousands of
files. Reading and checking a file is pure Python, so one process uses one
core; `map_chunks` hands chunks of the list to a process pool of one worker
fewer than the cores, and works chunks itself meanwhile, when the list is long
enough for the pool to pay for itself; it reports progress as chunks come back.
Results come back in the order of the items, so a run's output does not depend
on which core finished first.

What every chunk needs (a workspace with its ruleset read, which takes 0.2 s
for a ruleset of 5,000 units) is made once per worker by `setup`, not once per
chunk.
"""

from __future__ import annotations

import gc
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")

#: below this many items one process is faster than starting a pool (measured: ~0.1 s to start one)
POOL_FROM = 300
CHUNK = 100

Progress = Callable[[int, int], None]

#: the youngest generation's threshold during a batch (Python's default is 700, or 2,000 on 3.13)
#: A batch makes objects that live to its end (every file's data and scores): each collection of
#: the young generation moves them on, and each full collection scans them all again, the
#: workspace and its ruleset included; fewer collections do the same work (measured in issue 18).
GC_THRESHOLD = 50_000

# The state `setup` made, in a worker process of the pool (never set in the main process).
_worker_state: Any = None
# The main process's own state while its pool starts: a worker forked from it starts with a copy
# (its ruleset already read, its pages shared until written) instead of making its own; a worker
# started afresh (spawn, forkserver) finds None here and calls `setup`.
_inherited: Any = None


def cores() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_chunks(
    work: Callable[[S, Sequence[T]], list[R]],
    items: Sequence[T],
    setup: Callable[[], S],
    progress: Progress | None = None,
    here: S | None = None,
    pool_from: int | None = None,
    workers: int | None = None,
) -> list[R]:
    """`work(state, chunk)` (one result per item) over chunks of `items`, concatenated in order.

    `state` is `setup()`, made once per worker process; in this process `here` is used
    when given (a workspace that has read its ruleset already). `progress(done, total)`
    follows the chunks. A pool is used from `pool_from` items on, when there is more
    than one core; `work` and `setup` must then be picklable (module-level functions,
    or partials of them).
    """
    with collecting_rarely():
        return _map_chunks(work, items, setup, progress, here, pool_from, workers)


@contextmanager
def collecting_rarely() -> Iterator[None]:
    """Garbage collected less often inside the block: what exists when it starts (the modules, a
    workspace that has read its ruleset) is frozen out of every collection, and the young
    generation is collected every `GC_THRESHOLD` allocations. The threshold is restored at the
    end; so is the freezing when nothing was frozen before (a command's start freezes what it
    made, `entry`: that must stay frozen, and a freeze cannot be undone in part)."""
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    gc.freeze()
    gc.set_threshold(max(before[0], GC_THRESHOLD), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        if not frozen:
            gc.unfreeze()


def _map_chunks(
    work: Callable[[S, Sequence[T]], list[R]],
    items: Sequence[T],
    setup: Callable[[], S],
    progress: Progress | None,
    here: S | None,
    pool_from: int | None,
    workers: int | None,
) -> list[R]:
    workers = workers if workers is not None else min(cores(), 8)
    pooled = len(items) >= (POOL_FROM if pool_from is None else pool_from) and workers > 1
    chunks = [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]
    results: list[R] = []

    def collect(part: list[R]) -> None:
        results.extend(part)
        if progress is not None:
            progress(len(results), len(items))

    def state() -> S:
        nonlocal here
        if here is None:
            here = setup()
        return here

    if pooled:
        # imported here: it costs 40 ms, more than a small run takes
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        try:
            # this process works too: one worker fewer (each holds a copy of the workspace)
            pool = ProcessPoolExecutor(max_workers=workers - 1, initializer=_start_worker, initargs=(setup,))
        except (OSError, NotImplementedError):  # a sandbox without semaphores: no pool to be had
            pool = None
        if pool is not None:
            global _inherited
            _inherited = state()
            try:
                _on_pool(pool, workers - 1, work, chunks, state, collect)
                return results
            except BrokenProcessPool:  # a worker was killed (out of memory): start again, in this process
                results.clear()
            finally:
                _inherited = None
    for chunk in chunks:
        collect(work(state(), chunk))
    return results


def _on_pool(
    pool: Any,
    size: int,
    work: Callable[[S, Sequence[T]], list[R]],
    chunks: list[Sequence[T]],
    state: Callable[[], S],
    collect: Callable[[list[R]], None],
) -> None:
    """Every chunk, on `pool` (of `size` workers) and here, collected in order; on Ctrl-C, SIGTERM or any
    error every worker is stopped first.

    The pool is given a few chunks at a time (two per worker waiting or running); between
    handing them out this process works a chunk itself, which a process that only waited on
    the pool would not. Not `pool.map`: when its iterator is abandoned it cancels the futures
    left, and a pool whose workers are then stopped fails on them (InvalidStateError in its
    thread, on Python 3.11) and may hang the exit. Here no future is cancelled: the workers are
    ended, the pool sees them gone, fails every future left and shuts down.
    """
    done: dict[int, list[R]] = {}
    futures: dict[int, Any] = {}
    given = delivered = 0
    try:
        while delivered < len(chunks):
            while given < len(chunks) and sum(not f.done() for f in futures.values()) < 2 * size:
                with _signals_blocked():
                    # the pool's threads and processes start at the first chunk, and keep the signals
                    # blocked: Ctrl-C and SIGTERM are then delivered to this thread (delivered to the
                    # pool's thread, they would wait for a chunk to end)
                    futures[given] = pool.submit(_in_worker, work, chunks[given])
                given += 1
            if given < len(chunks):
                done[given] = work(state(), chunks[given])
                given += 1
            while delivered < len(chunks) and (
                delivered in done or (delivered in futures and (given == len(chunks) or futures[delivered].done()))
            ):
                collect(done.pop(delivered) if delivered in done else futures.pop(delivered).result())
                delivered += 1
    except BaseException:
        _stop_workers(pool)
        raise
    pool.shutdown(wait=True)


_STOPPING = {signal.SIGINT, signal.SIGTERM}


@contextmanager
def _signals_blocked() -> Iterator[None]:
    """SIGINT and SIGTERM held back (delivered when the block ends) in what this thread starts meanwhile."""
    if not hasattr(signal, "pthread_sigmask"):  # not on POSIX
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _stop_workers(pool: Any) -> None:
    """End the pool's worker processes now (SIGTERM, then SIGKILL after 2 s), then the pool itself."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(2)
        if process.is_alive():
            process.kill()
            process.join()
    pool.shutdown(wait=True)


def _start_worker(setup: Callable[[], Any]) -> None:
    global _worker_state
    # Ctrl-C reaches every process of the terminal's group: a worker leaves it to the main
    # process, which stops it (no KeyboardInterrupt traceback from each worker); SIGTERM ends it
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)  # forked with them blocked (`_signals_blocked`)
    _worker_state = _inherited if _inherited is not None else setup()
    # a worker lives for one batch: its workspace is never collected, and it collects rarely
    gc.freeze()
    gc.set_threshold(max(gc.get_threshold()[0], GC_THRESHOLD), *gc.get_threshold()[1:])


def _in_worker(work: Callable[[Any, Sequence[T]], list[R]], chunk: Sequence[T]) -> list[R]:
    return work(_worker_state, chunk)
