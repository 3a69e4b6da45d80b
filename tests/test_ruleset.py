"""The ruleset model, its derived maxima, and the shipped 2016 and 2017 rulesets."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from emulate.ruleset import Ruleset, check_ruleset, load_ruleset
from emulate.validation import validate
from emulate.yamlio import load_text

REPO = Path(__file__).resolve().parent.parent

# SPEC section 2: (no, id, kind, max_points, max_bonus)
SPEC_2017 = [
    ("1.1", "chi-tieu-chuyen-mon", "targets", "350.00", "35.00"),
    ("1.2", "cai-cach-hanh-chinh", "rating", "30.00", "5.00"),
    ("1.3", "nhiem-vu-ubnd-giao", "percent", "30.00", "0.00"),
    ("1.4", "ung-dung-cntt", "checklist", "20.00", "0.00"),
    ("1.5", "phong-chong-tham-nhung", "checklist", "20.00", "0.00"),
    ("1.6", "che-do-bao-cao", "count_penalty", "20.00", "0.00"),
    ("2.1", "chap-hanh-chu-truong", "assessed", "15.00", "0.00"),
    ("2.2", "doan-ket-dan-chu", "assessed", "15.00", "0.00"),
    ("2.3", "hoc-tap-lam-theo-bac", "assessed", "10.00", "0.00"),
    ("2.4", "to-chuc-doan-the", "checklist", "40.00", "0.00"),
    ("2.5", "ky-luat-can-bo", "count_penalty", "20.00", "0.00"),
    ("2.6", "van-hoa-the-thao", "assessed", "10.00", "0.00"),
    ("3.1", "ke-hoach-thi-dua", "checklist", "10.00", "0.00"),
    ("3.2", "nong-thon-moi", "assessed", "20.00", "0.00"),
    ("3.3", "dien-hinh-tien-tien", "count_points", "10.00", "0.00"),
    ("3.4", "hoat-dong-chung", "assessed", "20.00", "0.00"),
    ("3.5", "bao-cao-thi-dua", "count_penalty", "10.00", "0.00"),
]
SPEC_2016 = [
    ("1.1", "chi-tieu-chuyen-mon", "targets", "300.00", "30.00"),
    ("1.2", "cai-cach-hanh-chinh", "rating", "30.00", "0.00"),
    *SPEC_2017[2:9],
    ("2.4", "to-chuc-doan-the", "checklist", "35.00", "0.00"),
    *SPEC_2017[10:13],
    ("3.2", "dien-hinh-tien-tien", "count_points", "10.00", "0.00"),
    ("3.3", "hoat-dong-chung", "assessed", "20.00", "0.00"),
    ("3.4", "bao-cao-thi-dua", "count_penalty", "10.00", "0.00"),
]


def rules_json(run: Callable[..., Any], year: int) -> dict[str, Any]:
    result = run("rules", str(year), "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("year", "tree", "contents", "total", "bonus"),
    [
        (2017, SPEC_2017, ["470.00", "110.00", "70.00"], "650.00", "40.00"),
        (2016, SPEC_2016, ["420.00", "105.00", "50.00"], "575.00", "30.00"),
    ],
)
def test_shipped_tree_and_maxima_follow_the_spec(
    run: Callable[..., Any], year: int, tree: list[tuple[str, ...]], contents: list[str], total: str, bonus: str
) -> None:
    data = rules_json(run, year)
    got = [
        (c["no"], c["id"], c["kind"], c["max_points"], c["max_bonus"])
        for content in data["contents"]
        for c in content["criteria"]
    ]
    assert got == tree
    assert [c["max_points"] for c in data["contents"]] == contents
    assert (data["max_points"], data["max_bonus"]) == (total, bonus)
    assert [c["id"] for c in data["contents"]] == ["1", "2", "3"]
    assert [d["id"] for d in data["departments"]] == [
        "so-tai-chinh",
        "so-nong-nghiep",
        "so-thong-tin-truyen-thong",
        "so-xay-dung",
        "so-tai-nguyen-moi-truong",
        "so-giao-thong-van-tai",
        "so-cong-thuong",
    ]
    assert data["tie_breakers"] == ["content:1", "fewer_deductions"]
    assert [(a["id"], a["quota"], a["min_share"], a["require_zero"]) for a in data["awards"]] == [
        ("co-thi-dua", 1, "0.90", ["ky-luat-can-bo"]),
        ("bang-khen", 2, "0.80", []),
    ]


def test_the_reports_facts_are_encoded_and_cited(run: Callable[..., Any]) -> None:
    data = rules_json(run, 2017)
    criteria = {c["id"]: c for content in data["contents"] for c in content["criteria"]}
    assert criteria["chi-tieu-chuyen-mon"]["rule"] == {
        "count": 5,
        "points_each": "70",
        "bonus_per_percent": "0.7",
        "bonus_cap_each": "7",
    }
    assert criteria["cai-cach-hanh-chinh"]["rule"]["bonus"] == {"at_least": "tot", "points": "5"}
    items = criteria["to-chuc-doan-the"]["rule"]["items"]
    assert {k: v["points"] for k, v in items.items()} == {
        "to-chuc-dang": "10",
        "cong-doan": "10",
        "chi-doan": "10",
        "van-hoa": "10",
    }
    assert items["chi-doan"]["if_not_applicable"] == "full"
    reported = {"chi-tieu-chuyen-mon", "cai-cach-hanh-chinh", "to-chuc-doan-the", "nong-thon-moi"}
    for criterion_id, criterion in criteria.items():
        if criterion_id in reported:
            assert "Báo cáo" in criterion["source"], criterion_id
        else:
            assert criterion["source"].startswith("assumed:"), criterion_id
    assert data["deductions"] == [
        {
            "id": "phe-binh",
            "title": "Bị UBND tỉnh phê bình bằng văn bản",
            "per": "5",
            "cap": "20",
            "source": "assumed: not in the 2017 meeting report",
        }
    ]


def test_2016_differs_only_as_the_spec_says(run: Callable[..., Any]) -> None:
    old, new = rules_json(run, 2016), rules_json(run, 2017)
    old_c = {c["id"]: c for content in old["contents"] for c in content["criteria"]}
    assert old_c["chi-tieu-chuyen-mon"]["rule"] == {
        "count": 5,
        "points_each": "60",
        "bonus_per_percent": "0.6",
        "bonus_cap_each": "6",
    }
    assert "bonus" not in old_c["cai-cach-hanh-chinh"]["rule"]
    assert old_c["to-chuc-doan-the"]["rule"]["items"]["van-hoa"]["points"] == "5"
    assert "nong-thon-moi" not in old_c
    assert old["deductions"] == []
    assert old["awards"] == new["awards"]
    for content in old["contents"]:
        for c in content["criteria"]:
            assert c["source"] == "assumed: illustrative reconstruction of the 2016 regulation"


def test_shipped_files_are_nfc_and_check_clean() -> None:
    for year in (2016, 2017):
        path = REPO / "rules" / f"{year}.yaml"
        text = path.read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text)
        loaded = load_ruleset(path, known_years={2016, 2017})
        assert loaded.problems == []


def _broken(replace: str, by: str) -> list[tuple[str, int, int]]:
    text = (REPO / "rules" / "2017.yaml").read_text(encoding="utf-8")
    assert replace in text
    loaded = load_text(text.replace(replace, by, 1), "rules/2017.yaml")
    assert loaded.document is not None
    ruleset, problems = validate(Ruleset, loaded.document.data, loaded.document)
    if ruleset is not None:
        problems += check_ruleset(ruleset, loaded.document, 2017, {2016, 2017})
    return [(p.code, p.line, p.column) for p in loaded.problems + problems]


def _line_of(needle: str) -> int:
    lines = (REPO / "rules" / "2017.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_unknown_rule_parameter_is_reported_at_its_key() -> None:
    line = _line_of("points_each: 70")
    column = (REPO / "rules" / "2017.yaml").read_text(encoding="utf-8").splitlines()[line - 1].index("points_each") + 1
    problems = _broken("points_each: 70", "point_each: 70")
    assert problems == [("E201", line, column)]  # the typo alone, not also "points_each is missing"


def test_maxima_are_derived_from_rules() -> None:
    ruleset = load_ruleset(REPO / "rules" / "2017.yaml").ruleset
    assert ruleset is not None
    criterion = ruleset.criterion("chi-tieu-chuyen-mon")
    assert criterion is not None
    assert (criterion.max_points, criterion.max_bonus) == (350, 35)
    assert ruleset.criterion("ky-luat-can-bo").max_points == 20  # type: ignore[union-attr]


def test_a_missing_key_names_the_criterion_it_is_missing_from() -> None:
    text = (
        (REPO / "rules" / "2017.yaml")
        .read_text(encoding="utf-8")
        .replace("        title: Công tác cải cách hành chính\n", "", 1)
    )
    loaded = load_text(text, "rules/2017.yaml")
    assert loaded.document is not None
    _, problems = validate(Ruleset, loaded.document.data, loaded.document)
    assert [p.message for p in problems] == [
        "'title' is missing in item 2 of 'criteria' (cai-cach-hanh-chinh): add it (`title: ...`)"
    ]


@pytest.mark.parametrize("bonus", [{"at_least": "kha", "points": 3}, {"xuat-sac": 10, "tot": 5}], ids=["ladder", "map"])
def test_a_rating_bonus_dumps_in_the_form_it_was_written(bonus: dict[str, Any]) -> None:
    """Both forms of a rating bonus serialize as written, without pydantic's union warning."""
    import warnings

    from emulate.kinds.rating import RatingRule

    rule = RatingRule.model_validate({"kind": "rating", "scale": {"xuat-sac": 10, "tot": 8, "kha": 5}, "bonus": bonus})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dumped = rule.model_dump(mode="json")
    assert {k: str(v) for k, v in dumped["bonus"].items()} == {k: str(v) for k, v in bonus.items()}
