"""The library's front door (`emulate.__all__`), the README's Python example, and the one validation path."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import emulate
from emulate.kinds import KINDS, RULES
from emulate.kinds.assessed import AssessedRule
from emulate.kinds.rating import RatingRule

REPO = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def cwd(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def test_every_public_name_resolves() -> None:
    for name in emulate.__all__:
        assert getattr(emulate, name) is not None, name
    with pytest.raises(AttributeError):
        _ = emulate.no_such_name  # type: ignore[attr-defined]


def test_importing_emulate_imports_neither_pydantic_nor_typer() -> None:
    code = "import sys, emulate; print(sorted(m for m in ('pydantic', 'typer', 'rich') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_readme_python_example_prints_what_the_readme_says() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## As a library") :]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    printed = re.search(r"prints\n\n```text\n(.*?)```", section, re.S)
    assert code and printed
    out = io.StringIO()
    with cwd(REPO), contextlib.redirect_stdout(out):
        exec(compile(code.group(1), "README.md", "exec"), {})
    assert out.getvalue() == printed.group(1)


def test_the_registry_is_the_one_list_of_kinds() -> None:
    assert list(RULES) == [
        "targets",
        "rating",
        "percent",
        "checklist",
        "count_points",
        "count_penalty",
        "assessed",
        "tiers",
        "relative",
        "formula",
    ]
    assert [RULES[name] for name in RULES] == list(KINDS)


# --- one validation path: a change to a kind's checks is seen by every command ----------------


@pytest.fixture
def stricter_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new constraint in a kind's own checks of a ruleset: every rating scale faulted."""

    def scale_check(self: RatingRule, at: Any, report: Callable[..., None]) -> None:
        report((*at, "scale"), "E304", "a new constraint on rating scales")

    monkeypatch.setattr(RatingRule, "check", scale_check)


@pytest.fixture
def stricter(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new constraint in a kind's own checks of a value: every assessed value faulted."""

    def value_check(self: AssessedRule, no: str, value: Any, at: Any, fail: Callable[..., None]) -> None:
        fail((*at, "points"), "E205", "a new constraint on assessed points")

    monkeypatch.setattr(AssessedRule, "check_value", value_check)


@pytest.mark.usefixtures("stricter_rules")
def test_a_changed_constraint_reaches_check_rules(run: Callable[..., Any]) -> None:
    result = run("check-rules", "rules/2017.yaml")
    assert result.exit_code == 1
    assert "E304 a new constraint on rating scales" in result.stdout


@pytest.mark.usefixtures("stricter")
def test_a_changed_constraint_reaches_validate(run: Callable[..., Any]) -> None:
    with cwd(REPO):
        result = run("validate", "submissions/2017/so-xay-dung.yaml")
    assert result.exit_code == 1
    assert "E205 a new constraint on assessed points" in result.stdout


@pytest.mark.usefixtures("stricter")
def test_a_changed_constraint_reaches_score(run: Callable[..., Any]) -> None:
    result = run("score", "2017")
    assert result.exit_code == 1
    assert "a new constraint" in result.stdout + result.stderr
