"""Many files at once: chunks on a process pool give what one process gives, and the progress bar."""

from __future__ import annotations

import io
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest
from rich.console import Console

from emulate import batch, i18n
from emulate.batch import map_chunks
from emulate.render.progress import LazyBar, progress_bar
from emulate.workspace import Workspace


def powers(exponent: int, chunk: Sequence[int]) -> list[int]:
    return [n**exponent for n in chunk]


def two() -> int:
    return 2


@pytest.mark.parametrize("pool_from", [1, 10**9], ids=["pool", "one process"])
def test_results_come_back_in_order_with_progress(pool_from: int) -> None:
    seen: list[tuple[int, int]] = []
    items = list(range(1234))
    squares = map_chunks(
        powers, items, two, lambda done, total: seen.append((done, total)), pool_from=pool_from, workers=2
    )
    assert squares == [n * n for n in items]
    assert seen[-1] == (1234, 1234)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_without_a_pool_one_process_does_it_all(monkeypatch: pytest.MonkeyPatch) -> None:
    import concurrent.futures

    def refused(*args: object, **kwargs: object) -> None:
        raise OSError(38, "Function not implemented")  # what a sandbox without semaphores says

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", refused)
    seen: list[tuple[int, int]] = []
    squares = map_chunks(
        powers, list(range(500)), two, lambda done, total: seen.append((done, total)), pool_from=1, workers=2
    )
    assert squares == [n * n for n in range(500)] and seen[-1] == (500, 500)


def token() -> str:
    import uuid

    return uuid.uuid4().hex


def states(state: str, chunk: Sequence[int]) -> list[str]:
    return [state for _ in chunk]


def test_setup_runs_once_per_worker_not_once_per_chunk() -> None:
    pooled = map_chunks(states, list(range(1300)), token, pool_from=1, workers=2)
    assert len(pooled) == 1300 and 1 <= len(set(pooled)) <= 2  # 13 chunks, at most 2 workers
    assert set(map_chunks(states, list(range(1300)), token, here="mine", pool_from=10**9)) == {"mine"}


def pids(state: object, chunk: Sequence[int]) -> list[int]:
    import os

    return [os.getpid() for _ in chunk]


def test_this_process_works_beside_one_worker_fewer() -> None:
    """On 2 cores: one worker, and this process takes chunks too rather than wait (issue 18)."""
    import os

    pooled = map_chunks(pids, list(range(1300)), token, pool_from=1, workers=2)
    assert len(pooled) == 1300 and os.getpid() in pooled
    assert len(set(pooled)) == 2  # this process and its one worker


@pytest.mark.skipif(
    __import__("multiprocessing").get_start_method() != "fork", reason="a worker started afresh calls setup"
)
def test_a_forked_worker_starts_with_this_process_state() -> None:
    """Not a second reading of the ruleset in each worker: the state this process has is the workers' too."""
    pooled = map_chunks(states, list(range(1300)), token, here="mine", pool_from=1, workers=2)
    assert set(pooled) == {"mine"}
    assert len(set(map_chunks(pids, list(range(1300)), token, here="mine", pool_from=1, workers=2))) == 2


def _year(root: Path, pool_from: int, monkeypatch: pytest.MonkeyPatch) -> tuple[list[object], list[object]]:
    monkeypatch.setattr(batch, "POOL_FROM", pool_from)
    monkeypatch.setattr(batch, "cores", lambda: 2)  # a pool even on a machine of one core
    data = Workspace(root).load_year(2017)
    return sorted(data.submissions, key=lambda s: s.department), data.problems


def test_a_year_read_on_a_pool_is_the_year_read_in_one_process(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = workspace / "submissions" / "2017"
    broken = folder / "so-cong-thuong.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("rating: ", "rating: khong-co-"), encoding="utf-8")
    for i in range(3):  # more units than the ruleset lists: each one a problem, from whichever worker read it
        shutil.copy(folder / "so-xay-dung.yaml", folder / f"extra-{i}.yaml")
    i18n.use("vi")  # the workers speak the language of the run
    try:
        pooled = _year(workspace, 1, monkeypatch)
        alone = _year(workspace, 10**9, monkeypatch)
    finally:
        i18n.use("en")
    assert pooled == alone
    assert len(pooled[0]) == 6 and len(pooled[1]) >= 4
    assert any("không" in p.message or "đơn vị" in p.message for p in pooled[1]), [p.message for p in pooled[1]]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_bar_shows_only_after_a_second() -> None:
    clock, out = Clock(), io.StringIO()
    bar = LazyBar("reading", Console(file=out, force_terminal=True, width=80), clock=clock)
    clock.now = 0.5
    bar(100, 5000)
    assert bar.bar is None and out.getvalue() == ""
    clock.now = 1.5
    bar(600, 5000)
    bar(5000, 5000)
    bar.stop()
    assert "reading" in out.getvalue() and "5000/5000" in out.getvalue()


def test_a_run_done_within_the_second_draws_nothing() -> None:
    clock, out = Clock(), io.StringIO()
    bar = LazyBar("reading", Console(file=out, force_terminal=True), clock=clock)
    clock.now = 3.0
    bar(7, 7)  # the first news is the end: nothing to show
    bar.stop()
    assert bar.bar is None and out.getvalue() == ""


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_is_drawn_only_on_a_terminal_and_when_wanted() -> None:
    with progress_bar("reading", stream=io.StringIO()) as bar:
        assert bar is None
    with progress_bar("reading", wanted=False, stream=Terminal()) as bar:
        assert bar is None  # --format json
    with progress_bar("reading", stream=Terminal()) as bar:
        assert isinstance(bar, LazyBar)


def _thresholds(_state: int, chunk: Sequence[int]) -> list[tuple[int, int]]:
    import gc

    return [(gc.get_threshold()[0], gc.get_freeze_count()) for _ in chunk]


@pytest.mark.parametrize("pool_from", [1, 10**9], ids=["pool", "one process"])
def test_a_batch_collects_garbage_rarely_and_restores_the_collector(pool_from: int) -> None:
    import gc

    before = (gc.get_threshold(), gc.get_freeze_count())
    inside = map_chunks(_thresholds, [0] * 3, two, pool_from=pool_from, workers=2)
    # in a worker or here: the young generation is collected rarely, what existed before is frozen
    assert all(threshold >= batch.GC_THRESHOLD and frozen > 0 for threshold, frozen in inside)
    assert (gc.get_threshold(), gc.get_freeze_count()) == before
