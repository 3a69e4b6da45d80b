"""Who scores (SPEC 7.7, 7.9): bodies, `scored_by`, assessment files, peers and how their scores combine.

The workspace of these tests: four members a, b, c, d without groups and a body so-noi-vu.
1.1 (rating) is scored by so-noi-vu, 1.2 (assessed, max 10) by the peers with a trimmed mean,
1.3 (percent, max 10) by each unit in its own submission; d has no submission.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from emulate.assessment import Assessment, Merged, combine, merge
from emulate.kinds import VALUE_MODELS
from emulate.kinds.assessed import AssessedValue
from emulate.ruleset import Ruleset

RULES = """\
ruleset: t
year: 2024
version: "1"
title: T
bodies:
  - {id: so-noi-vu, name: Sở Nội vụ}
departments:
  - {id: a, name: A, role: leader}
  - {id: b, name: B}
  - {id: c, name: C}
  - {id: d, name: D}
contents:
  - id: "1"
    title: One
    criteria:
      - {id: cchc, no: "1.1", title: CCHC, source: s, scored_by: so-noi-vu,
         rule: {kind: rating, scale: {tot: 20, kha: 10}}}
      - {id: phoi-hop, no: "1.2", title: PH, source: s, scored_by: peers, combine: trimmed_mean,
         rule: {kind: assessed, max: 10}}
      - {id: tu-cham, no: "1.3", title: TC, source: s, rule: {kind: percent, max: 10}}
"""

#: scorer -> unit -> points given on 1.2
PEERS = {
    "a": {"b": "7", "c": "5", "d": "9"},
    "b": {"a": "8", "c": "10", "d": "9.5"},
    "c": {"a": "6", "b": "7", "d": "3"},
    "d": {"a": "9", "b": "4", "c": "6"},
}


def _write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _peer_file(scorer: str, scores: dict[str, str]) -> str:
    lines = [f"scorer: {scorer}", "year: 2024", "scores:", "  phoi-hop:"]
    lines += [f"    {unit}: {{points: {points}}}" for unit, points in scores.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    _write(root, "rules/2024.yaml", RULES)
    for unit, percent in (("a", 80), ("b", 50), ("c", 90)):
        _write(
            root,
            f"submissions/2024/{unit}.yaml",
            f"department: {unit}\nyear: 2024\ncriteria:\n  tu-cham: {{percent: {percent}}}\n",
        )
    _write(
        root,
        "assessments/2024/so-noi-vu.yaml",
        "scorer: so-noi-vu\nyear: 2024\nscores:\n  cchc:\n"
        "    a: {rating: tot}\n    b: {rating: kha}\n    c: {rating: tot}\n    d: {rating: kha}\n",
    )
    for scorer, scores in PEERS.items():
        _write(root, f"assessments/2024/{scorer}.yaml", _peer_file(scorer, scores))
    return root


def _reported(text: str) -> set[tuple[str, int, int, str]]:
    """(code, line, column, file name) of each problem line `file:line:column: severity CODE message`."""
    found = set()
    for match in re.finditer(r"^(.*?):(\d+):(\d+): (?:error|warning) ([EW]\d{3}) ", text, re.M):
        found.add((match[4], int(match[2]), int(match[3]), Path(match[1]).name))
    return found


def _problems(run: Callable[..., Any], root: Path, *paths: str) -> set[tuple[str, int, int, str]]:
    result = run("validate", *[str(root / p) for p in paths], "--format", "json", root=root)
    return {(p["code"], p["line"], p["column"], Path(p["file"]).name) for p in json.loads(result.stdout)}


def test_ranking_with_a_body_and_peers(run: Callable[..., Any], ws: Path) -> None:
    """The arithmetic, by hand.

    1.2 (trimmed mean of three scores: the highest and the lowest dropped, ties in the ruleset's order):
      a: b 8, c 6, d 9  -> drop d (9) and c (6): 8
      b: a 7, c 7, d 4  -> sorted d 4, a 7, c 7: drop c (the last of the highest) and d: 7
      c: a 5, b 10, d 6 -> drop b and a: 6
      d: a 9, b 9.5, c 3 -> drop b and c: 9, but d has no submission (1.3 is its own): not ranked
    totals: a 20 (tot) + 8 + 8 (80 %) = 36; c 20 + 6 + 9 = 35; b 10 (kha) + 7 + 5 = 22.
    """
    result = run("score", "2024", "--format", "json", root=ws)
    assert result.exit_code == 0, result.stdout + result.stderr
    record = json.loads(result.stdout)
    totals = [(u["department"], u["total"]) for u in record["ranking"]]
    assert totals == [("a", "36.00"), ("c", "35.00"), ("b", "22.00")]
    assert record["missing"] == ["d"]
    a = record["ranking"][0]["criteria"]
    assert a["phoi-hop"] == {
        "no": "1.2",
        "points": "8.00",
        "bonus": "0.00",
        "counts_as": "base",
        "not_applicable": False,
        "scored_by": "peers",
        "combine": "trimmed_mean",
        "scores": {"b": "8.00", "c": "6.00", "d": "9.00"},
        "dropped": ["d", "c"],
    }
    assert a["cchc"]["scored_by"] == "so-noi-vu" and a["cchc"]["scores"] == {"so-noi-vu": "20.00"}
    assert a["cchc"]["combine"] is None and a["cchc"]["dropped"] == []
    assert "scored_by" not in a["tu-cham"]
    b = record["ranking"][2]["criteria"]["phoi-hop"]
    assert (b["points"], b["dropped"]) == ("7.00", ["c", "d"])
    assert sorted(record["assessments"]) == ["a", "b", "c", "d", "so-noi-vu"]


def test_a_unit_scored_wholly_by_others_is_ranked_without_a_file(run: Callable[..., Any], ws: Path) -> None:
    """Without 1.3 every criterion is scored by others: d is ranked with no submission (SPEC 7.9).

    d: kha 10 + 1.2 9 (a 9, b 9.5, c 3: drop b and c) = 19.
    """
    rules = ws / "rules" / "2024.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text[: text.index("      - {id: tu-cham")], encoding="utf-8")
    for unit in "abc":
        (ws / "submissions" / "2024" / f"{unit}.yaml").unlink()
    record = json.loads(run("score", "2024", "--format", "json", root=ws).stdout)
    # a 20 + 8, c 20 + 6, d 10 + 9, b 10 + 7
    assert [(u["department"], u["total"]) for u in record["ranking"]] == [
        ("a", "28.00"),
        ("c", "26.00"),
        ("d", "19.00"),
        ("b", "17.00"),
    ]
    assert record["missing"] == []
    d = next(u for u in record["ranking"] if u["department"] == "d")
    assert d["submission_sha256"] == ""


def test_explain_shows_who_scored_and_how(run: Callable[..., Any], ws: Path) -> None:
    out = run("score", "2024", "--explain", "a", root=ws).stdout
    assert "scored by so-noi-vu (Sở Nội vụ)" in out
    assert "trimmed mean of 3 peer scores: b 8, c 6, d 9; dropped d and c → 8.00" in out
    data = json.loads(run("score", "2024", "--explain", "a", "--format", "json", root=ws).stdout)
    criteria = {c["id"]: c for content in data["contents"] for c in content["criteria"]}
    assert criteria["phoi-hop"]["scores"] == {"b": "8.00", "c": "6.00", "d": "9.00"}
    assert criteria["phoi-hop"]["dropped"] == ["d", "c"] and criteria["cchc"]["scored_by"] == "so-noi-vu"
    assert "scored_by" not in criteria["tu-cham"]


def test_a_unit_nobody_scored_and_a_missing_peer_score(run: Callable[..., Any], ws: Path) -> None:
    # so-noi-vu forgets c: nobody else scores 1.1 -> E708 at its file's 1.1 key; a forgets d: a warning
    _write(
        ws,
        "assessments/2024/so-noi-vu.yaml",
        "scorer: so-noi-vu\nyear: 2024\nscores:\n  cchc:\n    a: {rating: tot}\n    b: {rating: kha}\n"
        "    d: {rating: kha}\n",
    )
    _write(ws, "assessments/2024/a.yaml", _peer_file("a", {"b": "7", "c": "5"}))
    result = run("score", "2024", root=ws)
    assert result.exit_code == 1
    assert _reported(result.stderr) == {("E708", 4, 3, "so-noi-vu.yaml")}  # d is not ranked: no warning for it
    assert "nobody scored 'c' on criterion 1.1 'cchc': so-noi-vu must give it a score" in result.stderr
    _write(ws, "submissions/2024/d.yaml", "department: d\nyear: 2024\ncriteria:\n  tu-cham: {percent: 10}\n")
    result = run("score", "2024", root=ws)
    assert _reported(result.stderr) == {("E708", 4, 3, "so-noi-vu.yaml"), ("W701", 4, 3, "a.yaml")}
    assert "'a' gave no score to 'd' on criterion 1.2 'phoi-hop'" in result.stderr


def test_every_file_problem_with_its_position(run: Callable[..., Any], ws: Path) -> None:
    bad = _write(
        ws,
        "assessments/2024/so-noi-vu.yaml",
        "scorer: so-noi-vu\n"  # 1
        "year: 2024\n"  # 2
        "scores:\n"  # 3
        "  cchc:\n"  # 4
        "    a: {rating: tott}\n"  # 5: E207 at the label
        "    x: {rating: tot}\n"  # 6: E706
        "  phoi-hop:\n"  # 7: E705 (a body is no peer)
        "    a: {points: 1}\n"  # 8
        "  cchcc:\n"  # 9: E704
        "    a: {rating: tot}\n",
    )
    assert _problems(run, ws, "assessments/2024/so-noi-vu.yaml") == {
        ("E207", 5, 17, "so-noi-vu.yaml"),
        ("E706", 6, 5, "so-noi-vu.yaml"),
        ("E705", 7, 3, "so-noi-vu.yaml"),
        ("E704", 9, 3, "so-noi-vu.yaml"),
    }
    bad.rename(ws / "assessments" / "2024" / "snv.yaml")
    text = (ws / "assessments" / "2024" / "snv.yaml").read_text(encoding="utf-8")
    (ws / "assessments" / "2024" / "snv.yaml").write_text(
        text.replace("scorer: so-noi-vu", "scorer: so-noi-vuu"), encoding="utf-8"
    )
    assert {c for c, *_ in _problems(run, ws, "assessments/2024/snv.yaml")} >= {"E701", "E702"}
    _write(ws, "assessments/2025/b.yaml", _peer_file("b", {"a": "1"}))
    assert _problems(run, ws, "assessments/2025/b.yaml") == {("E703", 2, 7, "b.yaml")}
    _write(ws, "assessments/2024/c.yaml", _peer_file("c", {"c": "1", "a": "11"}))
    assert _problems(run, ws, "assessments/2024/c.yaml") == {("E707", 5, 5, "c.yaml"), ("E205", 6, 17, "c.yaml")}


def test_a_submission_may_not_give_a_value_scored_by_others(run: Callable[..., Any], ws: Path) -> None:
    path = "submissions/2024/a.yaml"
    _write(
        ws,
        path,
        "department: a\nyear: 2024\ncriteria:\n  tu-cham: {percent: 80}\n  cchc: {rating: tot}\n"
        "self_score:\n  phoi-hop: 10\n",
    )
    assert _problems(run, ws, path) == {("E410", 5, 3, "a.yaml")}  # self_score may claim it


def test_validate_reads_the_assessments_folder(run: Callable[..., Any], ws: Path) -> None:
    result = run("validate", root=ws)
    assert result.exit_code == 0
    assert "3 submission file(s), 5 assessment file(s) checked: no problems" in result.stdout + result.stderr
    # the files together: a's score of d missing is a warning, nobody scoring b on 1.1 an error
    _write(ws, "assessments/2024/a.yaml", _peer_file("a", {"b": "7", "c": "5"}))
    result = run("validate", "--format", "json", root=ws)
    assert result.exit_code == 0 and {p["code"] for p in json.loads(result.stdout)} == set()  # d has no file
    _write(ws, "submissions/2024/d.yaml", "department: d\nyear: 2024\ncriteria:\n  tu-cham: {percent: 10}\n")
    result = run("validate", "--format", "json", root=ws)
    assert (result.exit_code, [p["code"] for p in json.loads(result.stdout)]) == (0, ["W701"])
    _write(
        ws, "assessments/2024/so-noi-vu.yaml", "scorer: so-noi-vu\nyear: 2024\nscores:\n  cchc:\n    a: {rating: tot}\n"
    )
    result = run("validate", "--format", "json", root=ws)
    assert result.exit_code == 1 and [p["code"] for p in json.loads(result.stdout)].count("E708") == 3
    _write(ws, "assessments/2024/b.yaml", _peer_file("b", {"b": "1"}))
    assert run("validate", root=ws).exit_code == 1


def test_verify_covers_the_assessment_files(run: Callable[..., Any], ws: Path, tmp_path: Path) -> None:
    record = tmp_path / "record.json"
    record.write_text(run("score", "2024", "--format", "json", root=ws).stdout, encoding="utf-8")
    assert run("verify", str(record), root=ws).exit_code == 0
    path = ws / "assessments" / "2024" / "c.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# amended\n", encoding="utf-8")
    result = run("verify", str(record), "--format", "json", root=ws)
    assert result.exit_code == 1
    changed = [i for i in json.loads(result.stdout)["inputs"] if i["status"] != "unchanged"]
    assert [Path(i["file"]).name for i in changed] == ["c.yaml"]
    # a different score changes the numbers too: c gives a 9 instead of 6 -> a's 1.2 is 8.5 (d 9 and c 9...)
    path.write_text(_peer_file("c", {"a": "9", "b": "7", "d": "3"}), encoding="utf-8")
    differences = json.loads(run("verify", str(record), "--format", "json", root=ws).stdout)["differences"]
    assert any(d["path"] == "ranking.a.criteria.phoi-hop.points" for d in differences)


def test_templates_and_schema_leave_out_criteria_scored_by_others(run: Callable[..., Any], ws: Path) -> None:
    out = ws / "t.yaml"
    assert run("new", "2024", "d", "--output", str(out), root=ws).exit_code == 0
    template = out.read_text(encoding="utf-8")
    assert "\n  tu-cham:" in template and "\n  cchc:" not in template and "\n  phoi-hop:" not in template
    schema = json.loads(run("schema", "2024", root=ws).stdout)["properties"]["criteria"]
    assert schema["required"] == ["tu-cham"] and set(schema["properties"]) == {"tu-cham"}


def test_rules_json_carries_bodies_scored_by_and_combine(run: Callable[..., Any], ws: Path) -> None:
    data = json.loads(run("rules", "2024", "--format", "json", root=ws).stdout)
    assert data["bodies"] == [{"id": "so-noi-vu", "name": "Sở Nội vụ"}]
    criteria = {c["id"]: c for c in data["contents"][0]["criteria"]}
    assert (criteria["cchc"]["scored_by"], criteria["cchc"]["combine"]) == ("so-noi-vu", None)
    assert (criteria["phoi-hop"]["scored_by"], criteria["phoi-hop"]["combine"]) == ("peers", "trimmed_mean")
    assert (criteria["tu-cham"]["scored_by"], criteria["tu-cham"]["combine"]) == (None, None)


def test_diff_rules_reports_scorers_by_id(run: Callable[..., Any], ws: Path, tmp_path: Path) -> None:
    new = tmp_path / "2024.yaml"
    text = RULES.replace("combine: trimmed_mean", "combine: median").replace(
        "{id: so-noi-vu, name: Sở Nội vụ}", "{id: so-noi-vu, name: Sở Nội vụ tỉnh}"
    )
    new.write_text(text.replace("scored_by: so-noi-vu,", "scored_by: a,"), encoding="utf-8")
    result = run("diff-rules", str(ws / "rules" / "2024.yaml"), str(new), "--format", "json", root=ws)
    changes = {(c["criterion"], c["path"]): (c["old"], c["new"]) for c in json.loads(result.stdout)["changes"]}
    assert changes[("phoi-hop", "combine")] == ("trimmed_mean", "median")
    assert changes[("cchc", "scored_by")] == ("so-noi-vu", "a")
    assert changes[(None, "bodies.so-noi-vu.name")] == ("Sở Nội vụ", "Sở Nội vụ tỉnh")


# --- the pure parts -----------------------------------------------------------------------


def _scores(*points: str) -> list[tuple[str, Decimal]]:
    return [(f"s{i}", Decimal(p)) for i, p in enumerate(points)]


def test_combine_mean_median_and_trimmed_mean() -> None:
    assert combine("mean", _scores("8", "6", "9")) == (Decimal(23) / 3, ())
    assert combine("median", _scores("8", "6", "9")) == (Decimal(8), ())
    assert combine("median", _scores("8", "6", "9", "1")) == (Decimal(7), ())  # (6 + 8) / 2
    # three scores: one highest and one lowest dropped, the mean of the rest
    assert combine("trimmed_mean", _scores("8", "6", "9")) == (Decimal(8), ("s2", "s1"))
    # two scores: nothing to drop, the mean
    assert combine("trimmed_mean", _scores("8", "5")) == (Decimal("6.5"), ())
    # four: 3 and 10 dropped, (5 + 7) / 2
    assert combine("trimmed_mean", _scores("5", "10", "3", "7")) == (Decimal(6), ("s1", "s2"))
    assert combine("median", _scores("4")) == (Decimal(4), ())


def _ruleset(groups: bool, how: str = "mean") -> Ruleset:
    departments = [{"id": u, "name": u.upper()} for u in "abcd"]
    extra: dict[str, Any] = {}
    if groups:
        for d, g in zip(departments, "xxyy", strict=True):
            d["group"] = g
        extra["groups"] = [{"id": "x", "title": "X"}, {"id": "y", "title": "Y"}]
    criterion = {
        "id": "ph",
        "no": "1.1",
        "title": "PH",
        "source": "s",
        "scored_by": "peers",
        "combine": how,
        "rule": {"kind": "assessed", "max": 10},
    }
    return Ruleset.model_validate(
        {
            "ruleset": "t",
            "year": 2024,
            "version": "1",
            "title": "T",
            "departments": departments,
            "contents": [{"id": "1", "title": "One", "criteria": [criterion]}],
            **extra,
        }
    )


def test_peers_score_every_other_member_of_their_own_group() -> None:
    grouped = _ruleset(groups=True)
    criterion = grouped.criterion("ph")
    assert criterion is not None
    assert grouped.scored_units(criterion, "a") == ["b"] and grouped.scored_units(criterion, "c") == ["d"]
    assert grouped.scorers_of(criterion, "d") == ["c"]
    flat = _ruleset(groups=False)
    flat_criterion = flat.criterion("ph")
    assert flat_criterion is not None
    assert flat.scored_units(flat_criterion, "a") == ["b", "c", "d"]
    assert flat.scorers_of(flat_criterion, "a") == ["b", "c", "d"]


def _given(scorer: str, **points: str) -> Assessment:
    value = VALUE_MODELS["assessed"]
    given = {u: value.model_validate({"points": Decimal(p)}) for u, p in points.items()}
    return Assessment(scorer, 2024, {"ph": given})


def _points(merged: Merged) -> str:
    assert isinstance(merged.value, AssessedValue)
    return str(merged.value.points)


def test_merge_rounds_the_combined_points() -> None:
    """a gets 8, 6 and 9: the mean 7.666... is 7.67 at 2 places; the median 8; the trimmed mean 8."""
    files = [_given("b", a="8"), _given("c", a="6"), _given("d", a="9", b="5")]
    for how, points in (("mean", "7.67"), ("median", "8.00"), ("trimmed_mean", "8.00")):
        merged = merge(_ruleset(groups=False, how=how), files)
        assert _points(merged["a"]["ph"]) == points
    # b has one score (from d): its value is that score; c and d nobody scored: no value
    merged = merge(_ruleset(groups=False, how="trimmed_mean"), files)
    assert set(merged) == {"a", "b"} and _points(merged["b"]["ph"]) == "5.00"
    assert merged["a"]["ph"].dropped == ("d", "c") and merged["a"]["ph"].scorers == ("b", "c", "d")


def test_a_body_reviews_a_peer_scored_value(run: Callable[..., Any], ws: Path) -> None:
    """reviewed_by may name a body; an adjustment replaces the combined value: a's 1.2 8 -> 5, total 36 -> 33."""
    _write(
        ws,
        "reviews/2024.yaml",
        "year: 2024\nreviewed_by: so-noi-vu\nadjustments:\n"
        "  - {department: a, criterion: phoi-hop, value: {points: 5}, reason: Biên bản thẩm định}\n",
    )
    result = run("score", "2024", "--format", "json", root=ws)
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert [(u["department"], u["total"]) for u in record["ranking"]][:2] == [("c", "35.00"), ("a", "33.00")]
    assert record["reviewed_by"] == "so-noi-vu"
    assert record["review"]["adjustments"][0]["self_declared"] == "8.00"
    _write(ws, "reviews/2024.yaml", "year: 2024\nreviewed_by: so-noi-vuu\nadjustments: []\n")
    assert _problems(run, ws, "reviews/2024.yaml") == {("E401", 2, 14, "2024.yaml")}


def test_a_body_may_not_be_called_peers(run: Callable[..., Any], ws: Path) -> None:
    rules = ws / "rules" / "2024.yaml"
    rules.write_text(
        RULES.replace(
            "  - {id: so-noi-vu, name: Sở Nội vụ}", "  - {id: so-noi-vu, name: Sở Nội vụ}\n  - {id: peers, name: P}"
        ),
        encoding="utf-8",
    )
    result = run("check-rules", "--format", "json", root=ws)
    assert {(p["code"], p["line"], p["column"]) for p in json.loads(result.stdout)} == {("E343", 7, 10)}


def test_gap_and_whatif_on_criteria_scored_by_others(run: Callable[..., Any], ws: Path) -> None:
    # b (22) to rank 2 needs 13.01 more than c's 35: its own 1.3 gives at most 5; 1.1 and 1.2 are not its levers
    data = json.loads(run("gap", "2024", "b", "--rank", "2", "--format", "json", root=ws).stdout)
    assert {c["criterion"] for c in data["criteria"]} == {"tu-cham"}
    assert {"reason": "scored_by", "criterion": "cchc"} in data["cannot_help"]
    assert {"reason": "scored_by", "criterion": "phoi-hop"} in data["cannot_help"]
    # whatif sets the combined value: b's 1.2 7 -> 10, total 22 -> 25
    moved = json.loads(run("whatif", "2024", "--set", "b.phoi-hop={points: 10}", "--format", "json", root=ws).stdout)
    change = next(c for c in moved["changes"] if c["department"] == "b")
    assert change["total"] == ["22.00", "25.00"]


def test_the_minutes_list_the_assessment_files_hashes(run: Callable[..., Any], ws: Path, tmp_path: Path) -> None:
    out = tmp_path / "minutes.html"
    assert run("score", "2024", "--format", "html", "--output", str(out), root=ws).exit_code == 0
    page = out.read_text(encoding="utf-8")
    for scorer in ("so-noi-vu", "a", "b", "c", "d"):
        path = ws / "assessments" / "2024" / f"{scorer}.yaml"
        assert hashlib.sha256(path.read_bytes()).hexdigest() in page
