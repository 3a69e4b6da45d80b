"""The shipped example of SPEC 7 (examples/khoi-huyen): every command runs on it, with the results a
reader can check by hand (the arithmetic is in the comments)."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "khoi-huyen"


@pytest.fixture
def ex(in_example: Callable[[str], Callable[..., Any]]) -> Callable[..., Any]:
    return in_example("khoi-huyen")


def test_the_example_is_clean(ex: Callable[..., Any]) -> None:
    assert ex("check-rules").exit_code == 0
    result = ex("validate")
    assert result.exit_code == 0
    assert "6 submission file(s), 7 assessment file(s) checked: no problems" in result.stdout + result.stderr


def test_the_example_ranks_each_group_with_classes_and_awards(ex: Callable[..., Any]) -> None:
    record = json.loads(ex("score", "2024", "--format", "json").stdout)
    got = {
        u["department"]: (u["group"], u["rank"], u["total"], u["own_max"], u["class"], u["award"], u["awards"])
        for u in record["ranking"]
    }
    assert got == {
        # PAR (1.5) is scored by so-noi-vu (assessments/2024/so-noi-vu.yaml); 3.2 (phoi-hop, a bonus) by the
        # two other members of the group, the mean of two scores (trimmed_mean needs 3 to drop any);
        # 1.6 (relative, max 5) against the best of the group: do-thi's best is tp-phu-ly's 1250
        # base 20 + 14.25 + 14 + 20 + 5 (1.6: 1250 / 1250 × 5) + 10 + 10 + 9 = 102.25, bonus 5 (PAR)
        # + 10 (provincial flag) + (5 + 4.5) / 2 = 4.75 (peers) = 19.75: 122.00 of 105
        "tp-phu-ly": ("do-thi", 1, "122.00", "105.00", "xuat-sac", "co-tinh", ["co-tinh", "bang-khen"]),
        # 16 + 13.8 + 13 + 20 + 3.28 (820 / 1250 × 5) + 10 + 10 + 8 = 94.08, bonus 15 + 4.75: 113.83
        "tx-kim-bang": ("do-thi", 2, "113.83", "105.00", "xuat-sac", None, ["bang-khen"]),
        # key project not applicable: own maximum 95; 16 + 13.2 + 12 + 16 + 3.84 (960 / 1250 × 5) + 5 + 5
        # = 71.04, bonus 2 + (4 + 3) / 2 = 3.5, deductions 2: 74.54, 78.5 %
        "tx-duy-tien": ("do-thi", 3, "74.54", "95.00", "hoan-thanh", None, []),
        # huyen's best for 1.6 is h-ly-nhan's 610 (not do-thi's 1250)
        # 20 + 14.55 + 15 + 20 + 4.43 (540 / 610 × 5 = 4.426…) + 10 + 10 + 10 = 103.98,
        # bonus 5 + 15 + (5 + 4.5) / 2 = 4.75: 128.73; the one flag across groups
        "h-thanh-liem": ("huyen", 1, "128.73", "105.00", "xuat-sac", "co-chinh-phu", ["co-chinh-phu", "bang-khen"]),
        # own maximum 95; 16 + 13.95 + 10 + 16 + 5 (610 / 610 × 5) + 10 + 10 = 80.95,
        # bonus 2 + 10 + (4 + 4.5) / 2 = 4.25: 97.20
        "h-ly-nhan": ("huyen", 2, "97.20", "95.00", "xuat-sac", "co-tinh", ["co-tinh", "bang-khen"]),
        # 10 + 12.75 + 10 + 12 + 1.48 (180 / 610 × 5 = 1.475…) + 10 + 5 + 7 = 68.23, + (3 + 2.5) / 2 = 2.75,
        # three late reports -10: 60.98
        "h-binh-luc": ("huyen", 3, "60.98", "105.00", "chua-hoan-thanh", None, []),
    }
    for unit in record["ranking"]:
        assert Decimal(unit["total"]) == Decimal(unit["base"]) + Decimal(unit["bonus"]) - Decimal(unit["deductions"])


@pytest.mark.parametrize("format_", ["table", "csv", "markdown", "html", "xlsx", "docx"])
def test_every_score_format_runs_on_the_example(ex: Callable[..., Any], format_: str, tmp_path: Path) -> None:
    args = ["score", "2024", "--format", format_]
    if format_ in ("xlsx", "html", "docx"):
        args += ["--output", str(tmp_path / f"out.{format_}")]
    result = ex(*args)
    assert result.exit_code == 0, result.stdout
    if format_ == "xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(tmp_path / "out.xlsx").worksheets[0]
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
        head = next(r for r in rows if "Class" in r)
        first = rows[rows.index(head) + 1]
        assert head[-2:] == ["Group", "Class"] and first[-2:] == [
            "Nhóm thành phố, thị xã",
            "Hoàn thành xuất sắc nhiệm vụ",
        ]
    if format_ == "docx":
        from docx import Document

        tables = Document(str(tmp_path / "out.docx")).tables
        texts = next(
            [[c.text for c in row.cells] for row in t.rows] for t in tables if "Class" in t.rows[0].cells[-1].text
        )
        assert texts[0][-2:] == ["Group", "Class"] and "Hoàn thành xuất sắc nhiệm vụ" in texts[1]
    if format_ == "html":
        page = (tmp_path / "out.html").read_text(encoding="utf-8")
        assert "Hoàn thành xuất sắc nhiệm vụ" in page and "Nhóm các huyện" not in page
    if format_ == "markdown":
        assert "### Nhóm thành phố, thị xã" in result.stdout and "### Nhóm huyện" in result.stdout
        assert "| Class |" in result.stdout


def test_explain_says_what_does_not_apply(ex: Callable[..., Any]) -> None:
    out = ex("score", "2024", "--explain", "tx-duy-tien").stdout
    assert "does not apply to this unit (it applies only to huyen)" in out
    assert "declared not applicable: Năm 2024 không có dự án trọng điểm" in out
    assert "counts as a deduction: 2.00 taken off" in out
    assert "Class: hoan-thanh" in out and "Rank: 3 of 3" in out
    data = json.loads(ex("score", "2024", "--explain", "tx-duy-tien", "--format", "json").stdout)
    assert data["own_max"] == "95.00" and data["class"] == "hoan-thanh" and data["group"] == "do-thi"
    # the relative criterion names the best unit of the group and shows the arithmetic
    assert "960 / 1250 (the highest, tp-phu-ly) × 5 = 3.84" in out


def test_rules_new_and_schema_know_who_a_criterion_is_for(ex: Callable[..., Any], tmp_path: Path) -> None:
    rules = json.loads(ex("rules", "2024", "--format", "json").stdout)
    assert rules["compare"] == "share" and [g["id"] for g in rules["groups"]] == ["do-thi", "huyen"]
    criteria = {c["id"]: c for content in rules["contents"] for c in content["criteria"]}
    assert criteria["nong-thon-moi"]["applies_to"] == ["huyen"]
    assert criteria["khen-thuong-cap-tren"]["counts_as"] == "bonus"
    assert [k["id"] for k in rules["classification"]] == ["xuat-sac", "tot", "hoan-thanh", "chua-hoan-thanh"]
    assert ex("new", "2024", "h-binh-luc", "--output", str(tmp_path / "t.yaml")).exit_code == 0
    template = (tmp_path / "t.yaml").read_text(encoding="utf-8")
    assert "nong-thon-moi:" in template and "chinh-trang-do-thi:" not in template
    assert "not_applicable: true" in template  # offered for the key project
    schema = json.loads(ex("schema", "2024").stdout)
    assert "nong-thon-moi" not in schema["properties"]["criteria"]["required"]


def test_diff_rules_reports_the_new_keys_by_id(run: Callable[..., Any], tmp_path: Path) -> None:
    old = EXAMPLE / "rules" / "2024.yaml"
    text = old.read_text(encoding="utf-8")
    changed = (
        text.replace("        applies_to: [huyen]\n", "        applies_to: [huyen, tx-kim-bang]\n")
        .replace("counts_as: deduction", "counts_as: bonus")
        .replace(
            "{id: tot, title: Hoàn thành tốt nhiệm vụ, min_share: 0.80}",
            "{id: tot, title: Hoàn thành tốt nhiệm vụ, min_share: 0.85}",
        )
        .replace("compare: share", "compare: points")
        .replace("title: Nhóm huyện}", "title: Nhóm các huyện}")
    )
    new = tmp_path / "2024.yaml"
    new.write_text(changed, encoding="utf-8")
    result = run("diff-rules", str(old), str(new), "--format", "json", root=EXAMPLE)
    changes = {(c["criterion"], c["path"]): (c["old"], c["new"]) for c in json.loads(result.stdout)["changes"]}
    assert changes[("nong-thon-moi", "applies_to")] == ("huyen", "huyen, tx-kim-bang")
    assert changes[("cham-bao-cao", "counts_as")] == ("deduction", "bonus")
    assert changes[(None, "classification.tot.min_share")] == ("0.80", "0.85")
    assert changes[(None, "compare")] == ("share", "points")
    assert changes[(None, "groups.huyen.title")] == ("Nhóm huyện", "Nhóm các huyện")
    text_out = run("diff-rules", str(old), str(new), root=EXAMPLE)
    assert text_out.exit_code == 0 and "applies_to" in text_out.stdout


def test_history_gives_the_class_per_year(ex: Callable[..., Any]) -> None:
    data = json.loads(ex("history", "--format", "json").stdout)
    units = {u["department"]: u for u in data["units"]}
    assert units["h-binh-luc"]["years"]["2024"]["class"] == "chua-hoan-thanh"
    assert units["tx-duy-tien"]["years"]["2024"]["max_points"] == "95.00"  # its own maximum
    assert units["tx-duy-tien"]["years"]["2024"]["of"] == 3  # ranked in a group of three
    assert "hoan-thanh" in ex("history", "tx-duy-tien").stdout


def test_gap_to_a_class_on_the_example(ex: Callable[..., Any]) -> None:
    """SPEC 9 with classes: tx-duy-tien (74.54 of its own 95) needs 80 % for `tot`: 76.00, an increase of 1.46."""
    data = json.loads(ex("gap", "2024", "tx-duy-tien", "--class", "tot", "--format", "json").stdout)
    assert (data["goal"], data["increase"], data["reachable"]) == ({"class": "tot"}, "1.46", True)
    # neither a criterion that does not apply (1.3) nor one declared not applicable (2.3) is offered
    offered = {c["criterion"] for c in data["criteria"]}
    assert "nong-thon-moi" not in offered and "du-an-trong-diem" not in offered and "cham-bao-cao" not in offered
    # applying the cheapest way through whatif reaches the class
    way = data["ways"][0]["criteria"][0]
    moved = json.loads(
        ex("whatif", "2024", "--set", f"tx-duy-tien.{way['criterion']}={way['value']}", "--format", "json").stdout
    )
    change = next(c for c in moved["changes"] if c["department"] == "tx-duy-tien")
    assert change["class"] == ["hoan-thanh", "tot"]
    # xuat-sac asks for no disciplined official: no points can help
    data = json.loads(ex("gap", "2024", "tx-duy-tien", "--class", "xuat-sac", "--format", "json").stdout)
    assert (
        not data["reachable"]
        and {"reason": "require_zero", "criterion": "ky-luat-can-bo", "class": "xuat-sac"} in (data["cannot_help"])
    )
    assert ex("gap", "2024", "tx-duy-tien", "--class", "xuat-sacc").exit_code == 2


def test_margins_gives_each_class_boundary(ex: Callable[..., Any]) -> None:
    data = json.loads(ex("margins", "2024", "--format", "json").stdout)
    classes = {b["class"]: b for b in data["boundaries"] if "class" in b}
    # hoan-thanh or better: the lowest in is tx-duy-tien (74.54), the highest out h-binh-luc (60.98)
    assert classes["hoan-thanh"] == {
        "class": "hoan-thanh",
        "last_in": "tx-duy-tien",
        "first_out": "h-binh-luc",
        "points": "13.56",
    }
    assert set(classes) == {"xuat-sac", "tot", "hoan-thanh"}  # the last class has no boundary below it
    # the province's flag has one place per group: an edge in each (the Government's flag is across groups)
    edges = [(b["last_in"], b["first_out"]) for b in data["boundaries"] if b.get("award") == "co-tinh"]
    assert edges == [("tp-phu-ly", "tx-kim-bang"), ("h-ly-nhan", "h-binh-luc")]


def test_margins_pairs_neighbours_within_a_group(ex: Callable[..., Any]) -> None:
    data = json.loads(ex("margins", "2024", "--format", "json").stdout)
    pairs = [(p["upper"], p["lower"]) for p in data["pairs"]]
    assert pairs == [
        ("tp-phu-ly", "tx-kim-bang"),
        ("tx-kim-bang", "tx-duy-tien"),
        ("h-thanh-liem", "h-ly-nhan"),
        ("h-ly-nhan", "h-binh-luc"),
    ]


def test_verify_a_record_of_groups_and_assessments(ex: Callable[..., Any], tmp_path: Path) -> None:
    """Ranks restart in each group (verify refused such a record before); a changed assessment file is named."""
    record = tmp_path / "record.json"
    record.write_text(ex("score", "2024", "--format", "json").stdout, encoding="utf-8")
    result = ex("verify", str(record))
    assert result.exit_code == 0, result.stdout + result.stderr
    data = json.loads(record.read_text(encoding="utf-8"))
    data["assessments"]["so-noi-vu"] = "0" * 64
    record.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    inputs = json.loads(ex("verify", str(record), "--format", "json").stdout)["inputs"]
    assert [Path(i["file"]).name for i in inputs if i["status"] != "unchanged"] == ["so-noi-vu.yaml"]
    # a group's units apart is not a ranking
    ranking = data["ranking"]
    ranking[2], ranking[3] = ranking[3], ranking[2]
    record.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = ex("verify", str(record))
    assert result.exit_code == 1 and "are not together in the ranking" in result.stdout + result.stderr
