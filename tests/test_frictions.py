"""The frictions the officers met (issue 15, item 5): each with a test that failed before its fix."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from emulate.fields import comma_advice

SUBMISSION = Path("submissions") / "2017" / "so-xay-dung.yaml"


def validate(run: Callable[..., Any], workspace: Path, path: Path) -> list[dict[str, Any]]:
    result = run("validate", str(path), "--format", "json", root=workspace)
    found: list[dict[str, Any]] = json.loads(result.stdout)
    return found


def edit(workspace: Path, old: str, new: str, relative: Path = SUBMISSION) -> Path:
    path = workspace / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


# 1. number advice that goes in a circle


@pytest.mark.parametrize(
    ("text", "advised", "not_advised"),
    [
        ("20,000", "20000", "20.000"),
        ("1,500,000", "1500000", "1.500"),
        ("1,500", "1500", "1.500"),
        ("12,5", "12.5", "125"),
        ("96,50", "96.50", "9650"),
    ],
)
def test_comma_advice_never_advises_what_draws_w201(text: str, advised: str, not_advised: str) -> None:
    advice = comma_advice(text)
    assert advice is not None and advised in advice and not_advised not in advice


def test_comma_advice_is_none_for_other_text() -> None:
    assert comma_advice("abc") is None and comma_advice("12.5") is None


def test_thousands_with_a_comma_in_a_submission_advises_no_separator(run: Callable[..., Any], workspace: Path) -> None:
    path = edit(workspace, "target: 20000, actual: 18000", 'target: "20,000", actual: 18000')
    problems = validate(run, workspace, path)
    assert [p["code"] for p in problems] == ["E203"]
    assert "20000" in problems[0]["message"] and "20.000" not in problems[0]["message"]


def test_thousands_with_a_comma_in_a_flow_mapping_advises_no_separator(
    run: Callable[..., Any], workspace: Path
) -> None:
    path = edit(workspace, "target: 20000, actual: 18000", "target: 20,000, actual: 18000")
    problems = validate(run, workspace, path)
    assert [p["code"] for p in problems] == ["E203"]
    assert "target: 20000" in problems[0]["message"] and "20.000" not in problems[0]["message"]


def test_decimal_comma_still_advises_a_dot(run: Callable[..., Any], workspace: Path) -> None:
    path = edit(workspace, "nhiem-vu-ubnd-giao: {percent: 90}", 'nhiem-vu-ubnd-giao: {percent: "90,5"}')
    problems = validate(run, workspace, path)
    assert [p["code"] for p in problems] == ["E203"]
    assert "90.5" in problems[0]["message"]
