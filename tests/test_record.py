"""`emulate verify` on saved records, and `emulate history` across 2016 and 2017."""

from __future__ import annotations

import json
import os
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
def test_a_file_that_is_not_a_record_exits_1(run: Callable[..., Any], workspace: Path, content: str) -> None:
    # SPEC 10: a file that is not a well-formed record exits 1 with one message
    path = workspace / "x.json"
    path.write_text(content, encoding="utf-8")
    result = run("verify", str(path), root=workspace)
    assert result.exit_code == 1 and "is not a record" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_a_missing_record_file_exits_2(run: Callable[..., Any], workspace: Path) -> None:
    result = run("verify", str(workspace / "nowhere.json"), root=workspace)
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_compare_is_empty_for_identical_records(run: Callable[..., Any], workspace: Path) -> None:
    record = check_shape(json.loads(save_record(run, workspace).read_text(encoding="utf-8")))
    assert compare(record, record) == []
    with pytest.raises(NotARecord):
        check_shape({**record, "year": True})


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


# Forged records (issue 17, defects 5, 11 and 18): each is refused before or by the recomputation.


def _forge(run: Callable[..., Any], workspace: Path, edit: Callable[[dict[str, Any]], Any]) -> Any:
    """Save the 2017 record, apply `edit` to its data (or take the text `edit` returns), verify it."""
    path = save_record(run, workspace)
    data = json.loads(path.read_text(encoding="utf-8"))
    edited = edit(data)
    path.write_text(edited if isinstance(edited, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return run("verify", str(path), "--format", "json", root=workspace)


def _refused(result: Any, words: str) -> None:
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and words in result.stderr, result.stderr


def _differs(result: Any, path: str) -> None:
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert not report["ok"] and path in {d["path"] for d in report["differences"]}, report["differences"]


def test_a_second_entry_for_a_unit_placed_first_is_refused(run: Callable[..., Any], workspace: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        last = dict(data["ranking"][-1], rank=1, total="650.00", award="co-thi-dua")
        data["ranking"] = [last, *({**row, "rank": row["rank"] + 1} for row in data["ranking"])]

    _refused(_forge(run, workspace, edit), "has more than one entry")


def test_a_duplicate_json_key_is_refused(run: Callable[..., Any], workspace: Path) -> None:
    def edit(data: dict[str, Any]) -> str:
        text = json.dumps(data, ensure_ascii=False)
        first = data["ranking"][0]["total"]
        return text.replace(f'"total": "{first}"', f'"total": "{first}", "total": "650.00"', 1)

    _refused(_forge(run, workspace, edit), "appears twice")


def test_swapped_entries_are_refused(run: Callable[..., Any], workspace: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["ranking"][0], data["ranking"][1] = data["ranking"][1], data["ranking"][0]

    _refused(_forge(run, workspace, edit), "ranks are not in order")


def test_swapped_entries_with_their_ranks_renumbered_differ(run: Callable[..., Any], workspace: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        first, second = data["ranking"][0], data["ranking"][1]
        first["rank"], second["rank"] = second["rank"], first["rank"]
        data["ranking"][0], data["ranking"][1] = second, first

    _differs(_forge(run, workspace, edit), "ranking[0].department")


@pytest.mark.parametrize(
    ("key", "path"),
    [("reviewed_by", "reviewed_by"), ("date", "date"), ("emulate_version", "emulate_version")],
)
def test_a_changed_top_value_differs(run: Callable[..., Any], workspace: Path, key: str, path: str) -> None:
    def edit(data: dict[str, Any]) -> None:
        data[key] = "so-xay-dung" if key == "reviewed_by" else "9.9.9" if key == "emulate_version" else "2018-01-01"

    _differs(_forge(run, workspace, edit), path)


@pytest.mark.parametrize("key", ["reviewed_by", "date"])
def test_a_changed_review_value_differs(run: Callable[..., Any], workspace: Path, key: str) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["review"][key] = "so-xay-dung" if key == "reviewed_by" else "2018-01-01"

    _differs(_forge(run, workspace, edit), f"review.{key}")


def test_a_changed_ruleset_id_differs(run: Callable[..., Any], workspace: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["ruleset"]["id"] = "khoi-khac"

    _differs(_forge(run, workspace, edit), "ruleset.id")


@pytest.mark.parametrize("where", ["top", "unit", "criterion", "ruleset"])
def test_an_extra_key_is_refused(run: Callable[..., Any], workspace: Path, where: str) -> None:
    def edit(data: dict[str, Any]) -> None:
        target = {
            "top": data,
            "unit": data["ranking"][0],
            "criterion": next(iter(data["ranking"][0]["criteria"].values())),
            "ruleset": data["ruleset"],
        }[where]
        target["approved"] = True

    _refused(_forge(run, workspace, edit), "approved' is not a key")


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (lambda d: d["ranking"][0].update(rank=True), "must be a whole number"),
        (lambda d: d["ranking"][0].update(rank="1"), "must be a whole number"),
        (lambda d: d["ranking"][0].update(tied=0), "must be true or false"),
        (lambda d: d["ranking"][0].update(total=612.34), "must be a decimal number"),
        (lambda d: d["ranking"][0].update(total="1e3"), "must be a decimal number"),
        (lambda d: d["ranking"][0].update(criteria=[]), "must be an object"),
        (lambda d: d["ranking"][0].update(department=None), "must be a text"),
        (lambda d: d.update(ranking={"a": 1}), "must be a list"),
        (lambda d: d.update(review=[]), "must be an object"),
        (lambda d: d.update(year=2017.0), "must be a whole number"),
        (lambda d: d.update(basis="approved"), "'basis' must be"),
        (lambda d: d.pop("emulate_version"), "'emulate_version' is missing"),
        (lambda d: d["ranking"][0].pop("total"), "is missing"),
        (lambda d: d["missing"].append(d["ranking"][0]["department"]), "both ranked and missing"),
    ],
)
def test_a_wrong_type_is_refused_without_a_traceback(
    run: Callable[..., Any], workspace: Path, edit: Callable[[dict[str, Any]], Any], words: str
) -> None:
    _refused(_forge(run, workspace, lambda d: edit(d) and None), words)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("[" * 100_000 + "]" * 100_000, "nests deeper"),
        ('{"year": ' + "[" * 5000 + "]" * 5000 + "}", "nests deeper"),
        ('{"year": NaN}', "'NaN' is not a value"),
        ('{"year": 1' + "0" * 5000 + "}", "not valid UTF-8 JSON"),
        ("\ufeff", "not valid UTF-8 JSON"),
        ("", "not valid UTF-8 JSON"),
    ],
)
def test_a_malformed_file_is_one_message(run: Callable[..., Any], workspace: Path, content: str, words: str) -> None:
    path = workspace / "forged.json"
    path.write_text(content, encoding="utf-8")
    _refused(run("verify", str(path), root=workspace), words)


def test_a_record_over_64_mib_is_refused_unread(run: Callable[..., Any], workspace: Path) -> None:
    path = workspace / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(64 * 1024 * 1024 + 1)  # sparse: no disk used, and reading it whole would take 64 MiB
    _refused(run("verify", str(path), root=workspace), "larger than 64 MiB")


def test_a_record_that_is_not_a_regular_file_is_refused(run: Callable[..., Any], workspace: Path) -> None:
    fifo = workspace / "record.fifo"
    os.mkfifo(fifo)  # nobody writes to it: reading it would hang
    _refused(run("verify", str(fifo), root=workspace), "not a regular file")
    _refused(run("verify", str(workspace), root=workspace), "not a regular file")
