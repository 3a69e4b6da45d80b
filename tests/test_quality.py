"""The code's own checks, run with the tests: lint, format and strict types (pyproject.toml configures each)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PATHS = ["src", "tests", "benchmarks"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, check=False)


@pytest.mark.parametrize(
    "command",
    [("ruff", "check", "--no-cache", *PATHS), ("ruff", "format", "--check", "--no-cache", *PATHS)],
    ids=["ruff-check", "ruff-format"],
)
def test_the_code_is_linted_and_formatted(command: tuple[str, ...]) -> None:
    result = _run(*command)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_library_type_checks_strictly() -> None:
    result = _run("mypy", "--no-incremental", "--cache-dir", "/dev/null" if sys.platform != "win32" else "nul")
    assert result.returncode == 0, result.stdout + result.stderr
