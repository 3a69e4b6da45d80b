"""Vietnamese conventions (SPEC 8): titled scales, labels read in Vietnamese, Vietnamese numbers and words."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from emulate.diff import diff_rulesets
from emulate.kinds.rating import RatingRule, RatingValue
from emulate.ruleset import Ruleset, check_ruleset, load_ruleset
from emulate.validation import validate
from emulate.yamlio import load_text

REPO = Path(__file__).resolve().parent.parent
TITLES = {"xuat-sac": "Xuất sắc", "tot": "Tốt", "kha": "Khá", "trung-binh": "Trung bình", "yeu": "Yếu"}


def _titled(points: dict[str, int]) -> dict[str, Any]:
    return {label: {"title": TITLES[label], "points": worth} for label, worth in points.items()}


# --- 1. titled scales ---------------------------------------------------------------------------


def test_a_titled_scale_scores_as_its_points() -> None:
    points = {"xuat-sac": 30, "tot": 25, "kha": 20}
    plain = RatingRule.model_validate({"kind": "rating", "scale": points, "bonus": {"at_least": "tot", "points": 5}})
    titled = RatingRule.model_validate(
        {"kind": "rating", "scale": _titled(points), "bonus": {"at_least": "tot", "points": 5}}
    )
    assert titled.points == plain.points == {k: Decimal(v) for k, v in points.items()}
    assert titled.titles == {"xuat-sac": "Xuất sắc", "tot": "Tốt", "kha": "Khá"} and plain.titles == {}
    assert titled.max_points == 30
    for label in points:
        assert titled.score(RatingValue(rating=label), 2) == plain.score(RatingValue(rating=label), 2)
    assert titled.describe() == "Xuất sắc 30, Tốt 25, Khá 20; bonus 5 at Tốt or better"
    assert titled.model_dump(mode="json")["scale"]["tot"] == {"title": "Tốt", "points": "25"}  # as written
    assert plain.model_dump(mode="json")["scale"]["tot"] == "25"


def test_a_scale_may_mix_both_forms_and_a_titled_entry_is_checked() -> None:
    rule = RatingRule.model_validate({"kind": "rating", "scale": {"a": {"title": "A", "points": 2}, "b": 1}})
    assert rule.points == {"a": 2, "b": 1} and rule.title_of("a") == "A" and rule.title_of("b") == "b"
    text = (REPO / "rules" / "2017.yaml").read_text(encoding="utf-8")
    broken = text.replace("tot: {title: Tốt, points: 25}", "tot: {title: Tốt, points: 35}", 1)
    assert broken != text
    loaded = load_text(broken, "rules/2017.yaml")
    assert loaded.document is not None
    ruleset, problems = validate(Ruleset, loaded.document.data, loaded.document)
    assert ruleset is not None and problems == []
    problems = check_ruleset(ruleset, loaded.document, 2017, {2016, 2017})
    assert [p.code for p in problems] == ["E304"]
    missing = text.replace("tot: {title: Tốt, points: 25}", "tot: {title: Tốt}", 1)
    loaded = load_text(missing, "rules/2017.yaml")
    assert loaded.document is not None
    _, problems = validate(Ruleset, loaded.document.data, loaded.document)
    assert [(p.code, p.message) for p in problems] == [("E202", "'points' is missing in 'tot': add it (`points: ...`)")]


def test_the_shipped_scales_have_their_titles() -> None:
    for year in (2016, 2017):
        ruleset = load_ruleset(REPO / "rules" / f"{year}.yaml").ruleset
        assert ruleset is not None
        criterion = ruleset.criterion("cai-cach-hanh-chinh")
        assert criterion is not None and isinstance(criterion.rule, RatingRule)
        assert criterion.rule.titles == TITLES


def test_rules_json_and_schema_and_template_show_titles(run: Callable[..., Any], tmp_path: Path) -> None:
    rules = json.loads(run("rules", "2017", "--format", "json").stdout)
    rating = next(c for content in rules["contents"] for c in content["criteria"] if c["id"] == "cai-cach-hanh-chinh")
    assert rating["rule"]["scale"]["tot"] == {"title": "Tốt", "points": "25"}
    schema = json.loads(run("schema", "2017").stdout)
    value = schema["properties"]["criteria"]["properties"]["cai-cach-hanh-chinh"]["properties"]["rating"]
    assert value["enum"] == list(TITLES) and "tot: Tốt" in value["description"]
    out = tmp_path / "t.yaml"
    assert run("new", "2017", "so-xay-dung", "--output", str(out)).exit_code == 0
    assert "xuat-sac (Xuất sắc), tot (Tốt)" in out.read_text(encoding="utf-8")


def _with_scale(scale: dict[str, Any]) -> Ruleset:
    text = (REPO / "rules" / "2017.yaml").read_text(encoding="utf-8")
    loaded = load_text(text, "rules/2017.yaml")
    assert loaded.document is not None
    data = loaded.document.data
    for content in data["contents"]:
        for criterion in content["criteria"]:
            if criterion["id"] == "cai-cach-hanh-chinh":
                criterion["rule"]["scale"] = scale
    return Ruleset.model_validate(data)


def test_diff_rules_reports_titles_apart_from_points() -> None:
    points = {"xuat-sac": 30, "tot": 25, "kha": 20, "trung-binh": 10, "yeu": 0}
    plain, titled = _with_scale(points), _with_scale(_titled(points))
    changes = [(c.op, c.path, c.old, c.new) for c in diff_rulesets(plain, titled) if c.criterion]
    assert sorted(changes) == sorted(("added", f"rule.titles.{label}", None, title) for label, title in TITLES.items())
    renamed = _titled(points)
    renamed["tot"] = {"title": "Tốt", "points": 26}
    changes = [(c.op, c.path, c.old, c.new) for c in diff_rulesets(titled, _with_scale(renamed)) if c.criterion]
    assert changes == [("changed", "rule.scale.tot", "25", "26")]
