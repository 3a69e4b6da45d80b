"""Shared fixtures: a copy of the shipped workspace, and running the CLI in-process."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from emulate import i18n
from emulate.cli import app

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A private copy of the shipped rules/ and submissions/ (tests may edit it)."""
    root = tmp_path / "ws"
    root.mkdir()
    for folder in ("rules", "submissions", "reviews"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder)
    return root


@pytest.fixture
def run() -> Callable[..., Run]:
    """Run `emulate ARGS...` in-process; `root` defaults to the shipped workspace."""

    def invoke(*args: str, root: Path | None = None, env: dict[str, str] | None = None) -> Run:
        i18n.use("en")  # one process runs many commands here: each starts from the default
        full = [*args, "--root", str(root if root is not None else REPO)]
        result = CliRunner().invoke(app, full, env=env, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return invoke


@pytest.fixture(autouse=True)
def _in_english() -> None:
    """Every test starts with English messages: a command run with --lang vi in-process leaves its language set."""
    i18n.use("en")


@pytest.fixture
def in_example(run: Callable[..., Run]) -> Callable[[str], Callable[..., Run]]:
    """in_example("khoi-huyen")(ARGS...): `emulate ARGS...` run in that shipped example's workspace."""

    def example(name: str) -> Callable[..., Run]:
        def invoke(*args: str) -> Run:
            return run(*args, root=REPO / "examples" / name)

        return invoke

    return example
