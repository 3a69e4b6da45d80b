"""`emulate verify` on saved records, and `emulate history` across 2016 and 2017."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from emulate.record import NotARecord, check_shape, compare


def save_record(run: Callable[..., Any], workspace: Path, *extra: str) -> Path:
    result = run("score", "2017", "--format", "json", *extra, root=workspace)
    assert result.exit_code == 0, result.stderr
    path = workspace / "record.json"
    path.write_text(result.stdout, encoding="utf-8")
    return path


def test_an_untouched_record_verifies(run: Callable[..., Any], workspace: Path) -> None:
    record = save_record(run, workspace)
    result = run("verify", str(record), root=workspace)
    assert result.exit_code == 0, result.stdout
    assert "verified: every input unchanged" in result.stdout
    assert "reviews/2017.yaml: unchanged" in result.stdout


def test_a_self_declared_record_verifies_even_with_a_review_present(run: Callable[..., Any], workspace: Path) -> None:
    record = save_record(run, workspace, "--self")
    assert run("verify", str(record), root=workspace).exit_code == 0


def test_editing_a_submission_is_named(run: Callable[..., Any], workspace: Path) -> None:
    record = save_record(run, workspace)
    path = workspace / "submissions" / "2017" / "so-cong-thuong.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "# a comment changes the hash, not the points\n", encoding="utf-8"
    )
    result = run("verify", str(record), "--format", "json", root=workspace)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    changed = [i["file"] for i in report["inputs"] if i["status"] != "unchanged"]
    assert [Path(f).name for f in changed] == ["so-cong-thuong.yaml"]
    assert report["differences"] == []


def test_editing_a_number_of_the_record_is_named(run: Callable[..., Any], workspace: Path) -> None:
    record = save_record(run, workspace)
    data = json.loads(record.read_text(encoding="utf-8"))
    row = next(r for r in data["ranking"] if r["department"] == "so-nong-nghiep")
    row["total"] = "700.00"
    row["criteria"]["nong-thon-moi"]["points"] = "20.00"
    record.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run("verify", str(record), root=workspace)
    assert result.exit_code == 1
    assert 'ranking.so-nong-nghiep.total: record "700.00", recomputed "600.30"' in result.stdout
    assert "ranking.so-nong-nghiep.criteria.nong-thon-moi.points" in result.stdout


def test_changing_a_reviewed_value_changes_ranks_and_is_reported(run: Callable[..., Any], workspace: Path) -> None:
    record = save_record(run, workspace)
    review = workspace / "reviews" / "2017.yaml"
    review.write_text(review.read_text(encoding="utf-8").replace("{percent: 75,", "{percent: 95,"), encoding="utf-8")
    result = run("verify", str(record), "--format", "json", root=workspace)
    report = json.loads(result.stdout)
    assert result.exit_code == 1
    review_status = next(i for i in report["inputs"] if Path(i["file"]).parent.name == "reviews")
    assert review_status["status"] == "changed"
    paths = {d["path"] for d in report["differences"]}
    assert "ranking.so-xay-dung.rank" in paths and "ranking.so-tai-chinh.rank" in paths


@pytest.mark.parametrize(
    "content", ['{"a": 1}', "[1, 2]", "not json", '{"year": 2017, "ruleset": {}, "ranking": [], "max_points": "1"}']
)
def test_a_file_that_is_not_a_record_exits_2(run: Callable[..., Any], workspace: Path, content: str) -> None:
    path = workspace / "x.json"
    path.write_text(content, encoding="utf-8")
    result = run("verify", str(path), root=workspace)
    assert result.exit_code == 2 and "is not a record" in result.stderr


def test_compare_is_empty_for_identical_records() -> None:
    record = check_shape(
        {"year": 2017, "ruleset": {"sha256": "x", "version": "1"}, "ranking": [], "max_points": "1.00"}
    )
    assert compare(record, record) == []
    with pytest.raises(NotARecord):
        check_shape({"year": True, "ruleset": {}, "ranking": [], "max_points": "1"})


def test_history_shows_both_years_for_every_unit(run: Callable[..., Any]) -> None:
    data = json.loads(run("history", "--format", "json").stdout)
    assert data["years"] == [2016, 2017]
    assert len(data["units"]) == 7
    xd = next(u for u in data["units"] if u["department"] == "so-xay-dung")
    assert xd["years"]["2016"]["total"] == "497.50" and xd["years"]["2016"]["rank"] == 4
    assert xd["years"]["2017"]["rank"] == 2
    assert xd["years"]["2017"]["change"] == {"total": "112.80", "rank": 2}
    assert xd["years"]["2016"]["change"] is None
    table = run("history").stdout
    assert "█" in table and "▲2" in table


def test_history_shows_an_absent_unit_as_absent(run: Callable[..., Any], workspace: Path) -> None:
    (workspace / "submissions" / "2016" / "so-cong-thuong.yaml").unlink()
    data = json.loads(run("history", "so-cong-thuong", "--format", "json", root=workspace).stdout)
    assert data["units"][0]["years"]["2016"] is None
    assert data["units"][0]["years"]["2017"]["change"] is None
    assert "absent" in run("history", "so-cong-thuong", root=workspace).stdout
    csv_out = run("history", "--format", "csv", root=workspace).stdout
    assert "so-cong-thuong,Sở Công thương,2016,no,,," in csv_out


def test_history_of_an_unknown_unit_exits_2(run: Callable[..., Any]) -> None:
    result = run("history", "so-xay-dun")
    assert result.exit_code == 2 and "did you mean 'so-xay-dung'" in result.stderr


def test_history_markdown(run: Callable[..., Any]) -> None:
    out = run("history", "--format", "markdown").stdout
    assert out.startswith("| Unit | 2016 | 2017 |")
    assert "| Sở Xây dựng | 497.50 · 86.5 % · #4 | 610.30 · 93.9 % · #2 (+112.80 ▲2) |" in out
