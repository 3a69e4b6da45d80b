"""The bloc's review file: validation with positions, and scoring with and without it."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

GOOD = """\
year: 2017
reviewed_by: so-tai-chinh
date: 2017-12-28
adjustments:
  - department: so-xay-dung
    criterion: nong-thon-moi
    value: {points: 10}
    reason: "Biên bản kiểm tra chéo"
"""


def write_review(workspace: Path, text: str) -> Path:
    path = workspace / "reviews" / "2017.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems(run: Callable[..., Any], workspace: Path, text: str) -> list[tuple[str, int, int]]:
    path = write_review(workspace, text)
    result = run("validate", str(path), "--format", "json", root=workspace)
    return [(p["code"], p["line"], p["column"]) for p in json.loads(result.stdout)]


@pytest.mark.parametrize(
    ("replace", "by", "expected"),
    [
        ("reviewed_by: so-tai-chinh", "reviewed_by: so-tai-chin", [("E401", 2, 14)]),
        ('    reason: "Biên bản kiểm tra chéo"\n', "", [("E202", 5, 5)]),
        ('reason: "Biên bản kiểm tra chéo"', 'reason: "  "', [("E502", 8, 13)]),
        ("criterion: nong-thon-moi", "criterion: nong-thon-mo", [("E405", 6, 16)]),
        ("value: {points: 10}", "value: {points: 30}", [("E205", 7, 21)]),
        ("value: {points: 10}", "value: {rating: tot}", [("E201", 7, 13)]),  # one problem: "'points' is expected here"
        ("value: {points: 10}", "value: {pionts: 10}", [("E201", 7, 13)]),  # the typo, not also a missing key
        ("department: so-xay-dung", "department: so-xay", [("E401", 5, 17)]),
        (
            "    criterion: nong-thon-moi\n    value: {points: 10}\n",
            "    deduction: phe-binh\n    count: 1\n    criterion: nong-thon-moi\n",
            [("E501", 5, 5)],
        ),
        (
            "    criterion: nong-thon-moi\n    value: {points: 10}\n",
            "    deduction: phe-bin\n    count: 1\n",
            [("E201", 6, 16)],
        ),
        ("date: 2017-12-28", "date: 28/12/2017", [("E204", 3, 7)]),
        # checked against the year it names: nong-thon-moi does not exist in 2016
        ("year: 2017", "year: 2016", [("E504", 1, 7), ("E405", 6, 16)]),
    ],
)
def test_review_problems_are_positioned(
    run: Callable[..., Any], workspace: Path, replace: str, by: str, expected: list[tuple[str, int, int]]
) -> None:
    assert replace in GOOD
    assert problems(run, workspace, GOOD.replace(replace, by)) == expected


def test_the_same_value_adjusted_twice(run: Callable[..., Any], workspace: Path) -> None:
    twice = GOOD + GOOD.split("adjustments:\n")[1].replace("points: 10", "points: 12")
    assert problems(run, workspace, twice) == [("E503", 9, 5)]


def test_adjusting_a_unit_without_submission_is_a_warning(run: Callable[..., Any], workspace: Path) -> None:
    (workspace / "submissions" / "2017" / "so-xay-dung.yaml").unlink()
    path = write_review(workspace, GOOD)
    result = run("validate", str(path), "--format", "json", root=workspace)
    assert result.exit_code == 0
    assert [p["code"] for p in json.loads(result.stdout)] == ["W501"]


def test_score_ranks_reviewed_values_and_self_ranks_declared_ones(run: Callable[..., Any]) -> None:
    reviewed = json.loads(run("score", "2017", "--format", "json").stdout)
    declared = json.loads(run("score", "2017", "--format", "json", "--self").stdout)
    r = {row["department"]: row for row in reviewed["ranking"]}
    d = {row["department"]: row for row in declared["ranking"]}
    # hand-computed: so-xay-dung loses 5 on 3.2 (15 -> 10) and 4.50 on 1.3 (30 x 90 % -> 30 x 75 %)
    assert Decimal(d["so-xay-dung"]["total"]) - Decimal(r["so-xay-dung"]["total"]) == Decimal("9.50")
    assert r["so-xay-dung"]["criteria"]["nong-thon-moi"]["points"] == "10.00"
    assert d["so-xay-dung"]["criteria"]["nong-thon-moi"]["points"] == "15.00"
    # so-giao-thong-van-tai: one more criticism, 5 more points deducted
    assert Decimal(r["so-giao-thong-van-tai"]["deductions"]) - Decimal(
        d["so-giao-thong-van-tai"]["deductions"]
    ) == Decimal("5.00")
    # the review changes the top of the ranking
    assert (d["so-xay-dung"]["rank"], d["so-tai-chinh"]["rank"]) == (1, 2)
    assert (r["so-xay-dung"]["rank"], r["so-tai-chinh"]["rank"]) == (2, 1)
    assert declared["review"] is None
    review = reviewed["review"]
    assert len(review["sha256"]) == 64 and review["reviewed_by"] == "so-tai-chinh"
    assert review["adjustments"][0] == {
        "department": "so-tai-chinh",
        "criterion": "nong-thon-moi",
        "no": "3.2",
        "self_declared": "15.00",
        "reviewed": "10.00",
        "reason": review["adjustments"][0]["reason"],
    } or any(
        a["department"] == "so-xay-dung" and a["self_declared"] == "15.00" and a["reviewed"] == "10.00"
        for a in review["adjustments"]
    )


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv"])
def test_every_format_shows_self_declared_and_reviewed_points(run: Callable[..., Any], fmt: str) -> None:
    out = run("score", "2017", "--format", fmt).stdout
    flat = " ".join(out.split())
    assert "15.00" in flat and "10.00" in flat and "Biên bản" in flat  # the reason (a table may wrap it)


def test_explain_shows_the_adjustment_inline(run: Callable[..., Any]) -> None:
    out = " ".join(run("score", "2017", "--explain", "so-xay-dung").stdout.split())
    assert "corrected by the review: self-declared 15.00 → reviewed 10.00" in out
    data = json.loads(run("score", "2017", "--explain", "so-giao-thong-van-tai", "--format", "json").stdout)
    phe_binh = data["deduction_items"][0]
    assert phe_binh["review"]["self_declared"] == "5.00" and phe_binh["review"]["reviewed"] == "10.00"


def test_an_invalid_review_stops_score(run: Callable[..., Any], workspace: Path) -> None:
    write_review(workspace, GOOD.replace("points: 10", "points: 99"))
    result = run("score", "2017", root=workspace)
    assert result.exit_code == 1 and "reviews/2017.yaml:7:21: error E205" in result.stderr.replace("\\", "/")
