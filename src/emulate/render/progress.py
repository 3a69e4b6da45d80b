"""A progress bar for long runs: drawn on a terminal, and only once a run has lasted a second.

A bloc's seven files are read in a blink and need no bar; a province's
thousands take seconds, and a person at a terminal should see that the run is
alive. The bar goes to stderr and is transient (it leaves no trace in the
output), and `cli` asks for one only when stderr is a terminal and the output
is not JSON.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


class LazyBar:
    """Called as `bar(done, total)`; draws a rich progress bar once `after` seconds have passed."""

    def __init__(
        self, label: str, console: Any = None, after: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.label, self.console, self.after, self.clock = label, console, after, clock
        self.started = clock()
        self.bar: Any = None
        self.task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if done >= total or self.clock() - self.started < self.after:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.console = self.console if self.console is not None else Console(stderr=True, highlight=False)
            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=self.console,
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=total)
        self.bar.update(self.task, completed=done)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@contextmanager
def progress_bar(label: str, wanted: bool = True, stream: Any = None) -> Iterator[LazyBar | None]:
    """A LazyBar on stderr while the block runs, when wanted and stderr is a terminal; else None."""
    stream = stream if stream is not None else sys.stderr
    if not wanted or not stream.isatty():
        yield None
        return
    bar = LazyBar(label)
    try:
        yield bar
    finally:
        bar.stop()
