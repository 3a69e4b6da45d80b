"""The rules diff and the re-scoring: `emulate.diff`, `emulate.render.diff` and `emulate diff-rules`.

Regression fixtures in the manner of dyff: `tests/diff_cases/<case>/` holds
`old.yaml`, `new.yaml` (small rulesets differing in one kind of change),
`expected.txt` (the text output) and `expected.json` (the JSON output).
After a deliberate change of output, rewrite them with
`.venv/bin/python tests/test_diff.py` and read every changed file before keeping it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from emulate.diff import adapt, diff_rulesets, rescore
from emulate.kinds.assessed import AssessedValue
from emulate.kinds.base import CountValue
from emulate.kinds.checklist import ChecklistValue
from emulate.kinds.rating import RatingValue
from emulate.kinds.targets import Component, TargetsValue
from emulate.render import diff as render_diff
from emulate.ruleset import Ruleset, load_ruleset
from emulate.submission import Submission

REPO = Path(__file__).resolve().parent.parent
CASES_DIR = Path(__file__).resolve().parent / "diff_cases"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if (p / "old.yaml").is_file())

#: One case per kind of change the issue names, and two with no (semantic) change.
REQUIRED_CASES = {
    "identical",
    "same-values-written-differently",
    "criterion-added",
    "criterion-removed",
    "criterion-renumbered",
    "criterion-moved",
    "title-changed",
    "kind-changed",
    "rule-parameter-changed",
    "rating-bonus-added",
    "rating-labels-changed",
    "checklist-items-changed",
    "deductions-changed",
    "awards-changed",
    "tie-breakers-changed",
    "departments-changed",
    "rounding-changed",
}

#: SPEC section 2, "the 2016 ruleset ... the same as 2017 except", as (op, criterion, path, old, new),
#: with the maxima of SPEC section 2 (2016: 420, 105, 50, total 575, bonus 30; 2017: 470, 110, 70, 650, 40).
SPEC_2016_TO_2017 = {
    ("changed", "chi-tieu-chuyen-mon", "rule.points_each", "60", "70"),
    ("changed", "chi-tieu-chuyen-mon", "rule.bonus_per_percent", "0.6", "0.7"),
    ("changed", "chi-tieu-chuyen-mon", "rule.bonus_cap_each", "6", "7"),
    ("added", "cai-cach-hanh-chinh", "rule.bonus.at_least", None, "tot"),
    ("added", "cai-cach-hanh-chinh", "rule.bonus.points", None, "5"),
    ("changed", "to-chuc-doan-the", "rule.items.van-hoa.points", "5", "10"),
    ("added", "nong-thon-moi", "", None, '3.2 Phong trào "Chung sức xây dựng nông thôn mới"'),
    ("renumbered", "dien-hinh-tien-tien", "no", "3.2", "3.3"),
    ("renumbered", "hoat-dong-chung", "no", "3.3", "3.4"),
    ("renumbered", "bao-cao-thi-dua", "no", "3.4", "3.5"),
    ("added", None, "deductions.phe-binh", None, "Bị UBND tỉnh phê bình bằng văn bản"),
    ("changed", None, "contents.1.max_points", "420.00", "470.00"),
    ("changed", None, "contents.1.max_bonus", "30.00", "40.00"),
    ("changed", None, "contents.2.max_points", "105.00", "110.00"),
    ("changed", None, "contents.3.max_points", "50.00", "70.00"),
    ("changed", None, "max_points", "575.00", "650.00"),
    ("changed", None, "max_bonus", "30.00", "40.00"),
}

#: The substantive part of `emulate diff-rules 2016 2017`, as a meeting reads it.
SPEC_2016_TO_2017_TEXT = """\
khoi-thi-dua-3: 2016 (version 2016.1) → 2017 (version 2017.1)
39 difference(s): 17 in the rules, 6 in the metadata, 16 in sources and notes.

1. Thi đua thực hiện chỉ tiêu nhiệm vụ chính trị
  1.1 Kết quả thực hiện 5 chỉ tiêu chuyên môn đăng ký (chi-tieu-chuyen-mon)
    ± rule.points_each: 60 → 70
    ± rule.bonus_per_percent: 0.6 → 0.7
    ± rule.bonus_cap_each: 6 → 7
  1.2 Công tác cải cách hành chính (cai-cach-hanh-chinh)
    + rule.bonus.at_least: tot
    + rule.bonus.points: 5
  ± contents.1.max_points: 420.00 → 470.00
  ± contents.1.max_bonus: 30.00 → 40.00

2. Xây dựng tổ chức Đảng, đoàn thể và cơ quan văn hóa
  2.4 Tổ chức Đảng, đoàn thể vững mạnh; cơ quan đạt chuẩn văn hóa (to-chuc-doan-the)
    ± rule.items.van-hoa.points: 5 → 10
  ± contents.2.max_points: 105.00 → 110.00

3. Công tác thi đua, khen thưởng và hoạt động của Khối
  3.2 Phong trào "Chung sức xây dựng nông thôn mới" (nong-thon-moi)
    + criterion added: assessed, 0 to 20
  3.3 Phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến (dien-hinh-tien-tien)
    ± renumbered: 3.2 → 3.3
  3.4 Tham gia hoạt động chung của Khối (hoat-dong-chung)
    ± renumbered: 3.3 → 3.4
  3.5 Chấp hành chế độ báo cáo thi đua, khen thưởng (bao-cao-thi-dua)
    ± renumbered: 3.4 → 3.5
  ± contents.3.max_points: 50.00 → 70.00

Whole ruleset
  ± max_points: 575.00 → 650.00
  ± max_bonus: 30.00 → 40.00
  + deductions.phe-binh: Bị UBND tỉnh phê bình bằng văn bản (5 each, at most 20)

Metadata
"""


def ruleset_at(path: Path) -> Ruleset:
    loaded = load_ruleset(path, known_years={2016, 2017})
    assert loaded.ruleset is not None and loaded.problems == [], loaded.problems
    return loaded.ruleset


def shipped(year: int) -> Ruleset:
    return ruleset_at(REPO / "rules" / f"{year}.yaml")


def case_files(case: str) -> tuple[str, str]:
    return str(CASES_DIR / case / "old.yaml"), str(CASES_DIR / case / "new.yaml")


def expected(case: str, name: str) -> str:
    return (CASES_DIR / case / name).read_text(encoding="utf-8")


# --- regression cases -------------------------------------------------------------------------


def test_every_kind_of_change_has_a_case() -> None:
    assert set(CASES) >= REQUIRED_CASES
    for case in CASES:
        assert {p.name for p in (CASES_DIR / case).iterdir()} == {
            "old.yaml",
            "new.yaml",
            "expected.txt",
            "expected.json",
        }, case


@pytest.mark.parametrize("case", CASES)
def test_pure_diff_matches_the_expected_changes(case: str) -> None:
    old, new = (ruleset_at(Path(p)) for p in case_files(case))
    changes = [change.as_record() for change in diff_rulesets(old, new)]
    assert changes == json.loads(expected(case, "expected.json"))["changes"]


@pytest.mark.parametrize("case", CASES)
def test_cli_text_matches_the_expected_output(run: Callable[..., Any], case: str) -> None:
    result = run("diff-rules", *case_files(case))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == expected(case, "expected.txt")


@pytest.mark.parametrize("case", CASES)
def test_cli_json_matches_the_expected_output(run: Callable[..., Any], case: str) -> None:
    result = run("diff-rules", *case_files(case), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == json.loads(expected(case, "expected.json"))


@pytest.mark.parametrize("case", CASES)
def test_exit_code_is_1_exactly_when_something_differs(run: Callable[..., Any], case: str) -> None:
    differs = bool(json.loads(expected(case, "expected.json"))["changes"])
    assert run("diff-rules", *case_files(case), "--exit-code").exit_code == (1 if differs else 0)


@pytest.mark.parametrize("case", CASES)
def test_every_change_is_one_leaf_with_scalar_values(case: str) -> None:
    for change in json.loads(expected(case, "expected.json"))["changes"]:
        assert set(change) == {"op", "criterion", "path", "old", "new"}
        assert change["op"] in ("added", "removed", "changed", "renumbered")
        assert all(v is None or isinstance(v, str) for v in (change["old"], change["new"]))
        assert (change["old"] is None) == (change["op"] == "added")
        assert (change["new"] is None) == (change["op"] == "removed")


def test_diff_is_symmetric() -> None:
    """Old and new swapped: the same paths, added and removed swapped, old and new swapped."""
    swap = {"added": "removed", "removed": "added", "changed": "changed", "renumbered": "renumbered"}
    for case in CASES:
        old, new = (ruleset_at(Path(p)) for p in case_files(case))
        forth = {
            (c.criterion, c.path, swap[c.op], c.new, c.old)
            for c in diff_rulesets(old, new)
            if c.path not in ("contents", "awards")
        }
        back = {
            (c.criterion, c.path, c.op, c.old, c.new)
            for c in diff_rulesets(new, old)
            if c.path not in ("contents", "awards")
        }
        assert forth == back, case


# --- the shipped case: SPEC section 2 -------------------------------------------------------


def test_2016_to_2017_shows_exactly_the_differences_of_spec_section_2() -> None:
    changes = diff_rulesets(shipped(2016), shipped(2017))
    substantive = [(c.op, c.criterion, c.path, c.old, c.new) for c in changes if c.aspect == "rules"]
    assert set(substantive) == SPEC_2016_TO_2017
    assert len(substantive) == len(SPEC_2016_TO_2017)
    # the rest are real differences too, in their own groups after the rules
    assert [c.path for c in changes if c.aspect == "metadata"] == [
        "year",
        "version",
        "title",
        "based_on",
        "previous",
        "note",
    ]
    sources = [c for c in changes if c.aspect == "sources"]
    assert {c.path for c in sources} == {"source"}
    assert {c.criterion for c in sources} == set(shipped(2016).criterion_ids)  # every 2016 source was "assumed: ..."
    assert [c.aspect for c in changes] == sorted(
        (c.aspect for c in changes), key=["rules", "metadata", "sources"].index
    )


def test_2016_to_2017_text_shows_the_spec_differences_by_content(run: Callable[..., Any]) -> None:
    result = run("diff-rules", "2016", "2017")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith(SPEC_2016_TO_2017_TEXT)
    assert out.index("\nMetadata\n") < out.index("\nSources and notes\n")
    assert "\x1b[" not in out  # no colour when not on a terminal


def test_2016_to_2017_markdown_and_json_show_the_same_changes(run: Callable[..., Any]) -> None:
    record = json.loads(run("diff-rules", "2016", "2017", "--format", "json").stdout)
    assert record["old"] == {"year": 2016, "version": "2016.1"} and record["new"] == {"year": 2017, "version": "2017.1"}
    assert record["impact"] == []
    first = [
        (c["op"], c["criterion"], c["path"], c["old"], c["new"]) for c in record["changes"][: len(SPEC_2016_TO_2017)]
    ]
    assert set(first) == SPEC_2016_TO_2017
    assert len(record["changes"]) == 39

    markdown = run("diff-rules", "2016", "2017", "--format", "markdown").stdout
    rules_part = markdown[: markdown.index("### Metadata")]
    rows = [line for line in rules_part.splitlines() if line.startswith(("| + |", "| - |", "| ± |"))]
    assert len(rows) == len(SPEC_2016_TO_2017)
    assert (
        "| ± | 3.3 Phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến (dien-hinh-tien-tien)"
        " | `renumbered` | 3.2 | 3.3 |" in rows
    )
    assert (
        "| ± | 1.1 Kết quả thực hiện 5 chỉ tiêu chuyên môn đăng ký (chi-tieu-chuyen-mon)"
        " | `rule.points_each` | 60 | 70 |" in rows
    )
    assert "| ± |  | `max_points` | 575.00 | 650.00 |" in rows


def test_a_ruleset_against_itself_shows_no_difference(run: Callable[..., Any]) -> None:
    assert diff_rulesets(shipped(2017), shipped(2017)) == []
    result = run("diff-rules", "2017", "2017", "--exit-code")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1] == "No differences."
    assert json.loads(run("diff-rules", "2017", "2017", "--format", "json").stdout)["changes"] == []


def test_exit_code_for_ci(run: Callable[..., Any]) -> None:
    assert run("diff-rules", "2016", "2017", "--exit-code").exit_code == 1
    assert run("diff-rules", "2017", "2017", "--exit-code").exit_code == 0
    assert run("diff-rules", "2016", "2017").exit_code == 0  # without --exit-code, a difference is not a failure


def test_a_side_may_be_a_file(run: Callable[..., Any], tmp_path: Path) -> None:
    by_year = run("diff-rules", "2016", "2017", "--format", "json").stdout
    by_path = run(
        "diff-rules", str(REPO / "rules" / "2016.yaml"), str(REPO / "rules" / "2017.yaml"), "--format", "json"
    ).stdout
    assert by_path == by_year
    branch = tmp_path / "main-2017.yaml"  # out of its folder: its `previous` (2016) is not beside it
    branch.write_text(
        (REPO / "rules" / "2017.yaml").read_text(encoding="utf-8").replace('version: "2017.1"', 'version: "2017.2"'),
        encoding="utf-8",
    )
    result = run("diff-rules", "2017", str(branch), "--format", "json", "--exit-code")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["changes"] == [
        {"op": "changed", "criterion": None, "path": "version", "old": "2017.1", "new": "2017.2"}
    ]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("diff-rules", "2015", "2017"), 2, "the known years are: 2016, 2017"),
        (("diff-rules", "2016", "no/such/rules.yaml"), 2, "no/such/rules.yaml does not exist"),
        (("diff-rules", "2016", "2017", "--rescore", "2099"), 2, "the known years are: 2016, 2017"),
        (("diff-rules", "2016", "2017", "--format", "pdf"), 2, ""),
    ],
)
def test_usage_errors_exit_2(run: Callable[..., Any], args: tuple[str, ...], code: int, message: str) -> None:
    result = run(*args)
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_a_broken_ruleset_prints_its_problems_and_exits_1(run: Callable[..., Any], tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        (REPO / "rules" / "2017.yaml").read_text(encoding="utf-8").replace("points_each: 70", "points_each: bảy mươi"),
        encoding="utf-8",
    )
    result = run("diff-rules", "2016", str(broken))
    assert result.exit_code == 1
    assert "broken.yaml:38:" in result.stderr and "E203" in result.stderr
    assert result.stdout == ""


def test_an_invalid_submission_stops_the_rescore(run: Callable[..., Any], workspace: Path) -> None:
    path = workspace / "submissions" / "2017" / "so-xay-dung.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("rating: tot", "rating: tott", 1), encoding="utf-8")
    result = run("diff-rules", "2016", "2017", "--rescore", "2017", root=workspace)
    assert result.exit_code == 1
    assert "E207" in result.stderr and result.stdout == ""


# --- re-scoring -------------------------------------------------------------------------------


def test_rescore_2017_under_2016_and_2017_rules(run: Callable[..., Any]) -> None:
    result = run("diff-rules", "2016", "2017", "--rescore", "2017", "--format", "json")
    assert result.exit_code == 0, result.stderr
    impact = {row["department"]: row for row in json.loads(result.stdout)["impact"]}
    assert len(impact) == 7 and all(
        set(row) == {"department", "old_rank", "new_rank", "old_total", "new_total"} for row in impact.values()
    )
    # Sở Tài chính by hand (its 2017 values are not touched by the review). Targets: p = 1.08, 1.15,
    # (2·2 − 1.5)/2 = 1.25, 36/40 = 0.9, 96/120 = 0.8.
    #   2016 rules: 60+60+60+54+48 = 282, bonus 4.8+6+6 = 16.8 (0.6 per %, cap 6); 1.2 tot 25, no bonus;
    #     1.3 30·96.5 % = 28.95; 1.4 15; 1.5 15; 1.6 20−2 = 18; content 2: 13+12+8+35+20+7 = 95;
    #     content 3 without nong-thon-moi: 10+6+18+8 = 42; phe-binh does not exist: 0.
    #     383.95 + 95 + 42 + 16.8 = 537.75
    #   2017 rules: 70+70+70+63+56 = 329, bonus 5.6+7+7 = 19.6, and 5 for 1.2 at tot; van-hoa 10: content 2 = 100;
    #     nong-thon-moi 14: content 3 = 56. 430.95 + 100 + 56 + 24.6 = 611.55
    assert impact["so-tai-chinh"]["old_total"] == "537.75"
    assert impact["so-tai-chinh"]["new_total"] == "611.55"
    # the 2017 column is the published 2017 ranking
    published = {
        row["department"]: row for row in json.loads(run("score", "2017", "--format", "json").stdout)["ranking"]
    }
    for department, row in impact.items():
        assert (row["new_total"], row["new_rank"]) == (published[department]["total"], published[department]["rank"])
    assert sorted(row["old_rank"] for row in impact.values()) == [1, 2, 3, 4, 5, 6, 7]

    text = run("diff-rules", "2016", "2017", "--rescore", "2017").stdout
    table = text[text.index("Re-scored: the 7 submission(s) of 2017 under both rules") :]
    assert "nong-thon-moi: not a criterion of the 2016 rules: ignored (all 7 units)" in table
    assert "phe-binh: not a deduction of the 2016 rules: ignored (" in table
    assert "phe-binh: not a deduction of the 2016 rules: its 2 occurrence(s) are not deducted (" in " ".join(
        table.split()
    )  # the notes wrap at 80 columns
    assert "Under the new rules (2017): every input is used as submitted." in table
    line = next(line for line in table.splitlines() if "Sở Tài chính" in line)
    assert line.split()[3:] == ["537.75", "2", "611.55", "1", "+73.80", "↑1", "co-thi-dua"]


def test_rescore_self_moves_the_self_declared_values(run: Callable[..., Any]) -> None:
    """With --self the new column is the published ranking of `score --self`, and the review is not mentioned."""
    result = run("diff-rules", "2016", "2017", "--rescore", "2017", "--self", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "re-scoring the reviewed values" not in result.stderr
    impact = {row["department"]: row for row in json.loads(result.stdout)["impact"]}
    self_declared = {
        row["department"]: row
        for row in json.loads(run("score", "2017", "--self", "--format", "json").stdout)["ranking"]
    }
    reviewed = {
        row["department"]: row for row in json.loads(run("score", "2017", "--format", "json").stdout)["ranking"]
    }
    for department, row in impact.items():
        assert (row["new_total"], row["new_rank"]) == (
            self_declared[department]["total"],
            self_declared[department]["rank"],
        )
    assert any(self_declared[d]["total"] != reviewed[d]["total"] for d in impact), "the review changes some total"


def test_rescore_2016_scores_the_missing_criterion_0(run: Callable[..., Any]) -> None:
    result = run("diff-rules", "2016", "2017", "--rescore", "2016", "--format", "json")
    assert result.exit_code == 0
    impact = {row["department"]: row for row in json.loads(result.stdout)["impact"]}
    # Sở Tài chính 2016 by hand. Targets: p = 1.05, 1.1, (2·3 − 2.4)/3 = 1.2, 31.5/35 = 0.9, 95/100 = 0.95.
    #   2016 rules: 291 + bonus 3+6+6 = 15; 25 + 28.2 + 15 + 20 + 18; content 2 = 92; content 3 = 38 -> 542.20
    #   2017 rules: 70+70+70+63+66.5 = 339.5, bonus 3.5+7+7 = 17.5 and 5 at tot; content 1 = 445.7;
    #     content 2 = 97 (van-hoa 10); content 3 = 38 (nong-thon-moi scored 0) -> 445.7 + 97 + 38 + 22.5 = 603.20
    assert (impact["so-tai-chinh"]["old_total"], impact["so-tai-chinh"]["new_total"]) == ("542.20", "603.20")
    assert "nong-thon-moi: 3.2 has no value in the 2016 submission: scored 0 (all 7 units)" in result.stderr
    published = {
        row["department"]: row for row in json.loads(run("score", "2016", "--format", "json").stdout)["ranking"]
    }
    for department, row in impact.items():
        assert (row["old_total"], row["old_rank"]) == (published[department]["total"], published[department]["rank"])

    text = run("diff-rules", "2016", "2017", "--rescore", "2016").stdout
    assert "Under the old rules (2016): every input is used as submitted." in text
    assert "phe-binh: deduction with no count in the 2016 submission: counted 0 (all 7 units)" in " ".join(text.split())


def test_rescore_markdown_has_the_movement_table(run: Callable[..., Any]) -> None:
    out = run("diff-rules", "2016", "2017", "--rescore", "2017", "--format", "markdown").stdout
    assert "### Re-scored: the 7 submission(s) of 2017 under both rules" in out
    assert "| Sở Tài chính | 537.75 | 2 | 611.55 | 1 | +73.80 | ↑1 | co-thi-dua |" in out


def _targets(actual: int) -> TargetsValue:
    return TargetsValue(
        targets=[Component(name=f"t{i}", target=Decimal(100), actual=Decimal(actual)) for i in range(2)]
    )


def _fixture_submission(department: str, **values: Any) -> Submission:
    criteria: dict[str, Any] = {
        "chi-tieu": _targets(110),
        "cai-cach": RatingValue(rating="kha"),
        "ke-hoach": ChecklistValue(items={"ban-hanh": True, "dang-ky": True}),
        "hoat-dong": AssessedValue(points=Decimal(8)),
    }
    criteria.update(values)
    return Submission(department=department, year=2020, criteria=criteria, deductions={"phe-binh": 1})


def _case(case: str) -> tuple[Ruleset, Ruleset]:
    old, new = case_files(case)
    return ruleset_at(Path(old)), ruleset_at(Path(new))


def test_adapt_keeps_values_that_still_fit_and_says_why_others_do_not() -> None:
    old, new = _case("rating-labels-changed")  # yeu removed, kha re-pointed
    kept, missing, ignored = adapt(_fixture_submission("so-a"), new, old)
    assert kept.criteria["cai-cach"] == RatingValue(rating="kha") and not missing and not ignored
    kept, missing, ignored = adapt(_fixture_submission("so-a", **{"cai-cach": RatingValue(rating="yeu")}), new, old)
    assert "cai-cach" not in kept.criteria
    assert [n.name for n in missing] == ["cai-cach"] and "'yeu' is not on the scale" in missing[0].reason

    old, new = _case("checklist-items-changed")  # dang-ky removed, tong-ket added
    kept, missing, _ = adapt(_fixture_submission("so-a"), new, old)
    assert "ke-hoach" not in kept.criteria and "ke-hoach" in {n.name for n in missing}

    old, new = _case("kind-changed")  # hoat-dong: assessed -> count_points
    kept, missing, _ = adapt(_fixture_submission("so-a"), new, old)
    assert "hoat-dong" not in kept.criteria
    assert missing[0].reason == "2.2 is count_points here, but was assessed when the 2020 value was written: scored 0"
    # a count of a criterion that was count_penalty is not a count_points count, though both are `count:`
    data = old.model_dump()
    data["contents"][1]["criteria"][1]["rule"] = {"kind": "count_penalty", "max": 10, "per": 2}
    _, missing, _ = adapt(
        _fixture_submission("so-a", **{"hoat-dong": CountValue(count=1)}), new, Ruleset.model_validate(data)
    )
    assert [n.name for n in missing] == ["hoat-dong"]
    _, missing, _ = adapt(_fixture_submission("so-a", **{"hoat-dong": CountValue(count=1)}), new)
    assert missing == []  # without the ruleset it was written for, a value of the right shape is taken

    old, new = _case("criterion-removed")
    kept, missing, ignored = adapt(_fixture_submission("so-a"), new, old)
    assert "hoat-dong" not in kept.criteria and [(n.name, n.reason) for n in ignored] == [
        ("hoat-dong", "not a criterion of the 2020 rules: ignored")
    ]


def test_rescore_by_hand_on_a_fixture() -> None:
    """rating-labels-changed: kha is worth 15, then 12; yeu is worth 0, then does not exist."""
    old, new = _case("rating-labels-changed")
    a = _fixture_submission("so-a")
    b = _fixture_submission(
        "so-b", **{"cai-cach": RatingValue(rating="yeu"), "hoat-dong": AssessedValue(points=Decimal(10))}
    )
    impact = rescore(old, new, [a, b], old)
    units = {u.department: u for u in impact.units}
    # so-a: targets 50·2 = 100, bonus min(5, 0.5·10)·2 = 10; 1.2 kha; 2.1 5+5; 2.2 8; phe-binh −5
    assert units["so-a"].old.total == Decimal("100") + 10 + 15 + 10 + 8 - 5 == Decimal("138")
    assert units["so-a"].new.total == Decimal("135")
    # so-b: yeu scores 0 under the old rules, and is missing (0) under the new ones; 2.2 is 10
    assert units["so-b"].old.total == units["so-b"].new.total == Decimal("125")
    assert [n.name for n in units["so-b"].new.missing] == ["cai-cach"]
    assert (units["so-a"].old.rank, units["so-a"].new.rank, units["so-b"].old.rank) == (1, 1, 2)
    assert [u.department for u in impact.units] == ["so-a", "so-b"]


def test_units_listed_by_one_side_only_are_not_compared() -> None:
    old, new = _case("departments-changed")  # so-b leaves, so-c joins
    impact = rescore(old, new, [_fixture_submission("so-a"), _fixture_submission("so-b")], old)
    units = {u.department: u for u in impact.units}
    assert units["so-a"].reason is None and units["so-a"].old.rank == units["so-a"].new.rank == 1
    assert units["so-b"].reason == "the new rules (2020) do not list it"
    assert units["so-b"].new is None and units["so-b"].old.rank is None and units["so-b"].old.total == Decimal("138")
    assert impact.without_submission == ("so-c",)
    record = render_diff.impact_records(impact)
    assert record[1] == {
        "department": "so-b",
        "old_rank": None,
        "new_rank": None,
        "old_total": "138.00",
        "new_total": None,
    }
    text = render_diff.as_text(old, new, diff_rulesets(old, new), impact).plain
    assert "Not compared: so-b: the new rules (2020) do not list it." in text
    assert "No submission for 2020: so-c." in text


# --- writing the expected files ---------------------------------------------------------------


def write_expected() -> None:
    """Rewrite every case's expected.txt and expected.json from the current output (then read them!)."""
    from typer.testing import CliRunner

    from emulate.cli import app

    for case in CASES:
        for name, extra in (("expected.txt", []), ("expected.json", ["--format", "json"])):
            result = CliRunner().invoke(
                app, ["diff-rules", *case_files(case), *extra, "--root", str(REPO)], catch_exceptions=False
            )
            (CASES_DIR / case / name).write_text(result.stdout, encoding="utf-8")
        print(f"wrote {case}")


if __name__ == "__main__":
    write_expected()
