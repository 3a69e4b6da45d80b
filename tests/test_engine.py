"""The engine: ranking, shared ranks, tie-breakers, awards; and an independent oracle."""

from __future__ import annotations

import html
import json
import shutil
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from emulate.engine import rank, score
from emulate.kinds.assessed import AssessedValue
from emulate.kinds.base import CountValue
from emulate.ruleset import Ruleset
from emulate.submission import Submission

sys.path.insert(0, str(Path(__file__).parent))
import reference_scorer

REPO = Path(__file__).resolve().parent.parent
UNITS = ["a", "b", "c", "d", "e"]


def small_ruleset(tie_breakers: list[str], awards: list[dict[str, Any]] | None = None) -> Ruleset:
    """Two contents of one assessed criterion each (max 50 + 50), a counted criterion, a deduction."""
    return Ruleset.model_validate(
        {
            "ruleset": "t",
            "year": 2017,
            "version": "1",
            "title": "t",
            "departments": [{"id": u, "name": u.upper()} for u in UNITS],
            "contents": [
                {
                    "id": "1",
                    "title": "one",
                    "criteria": [
                        {"id": "x", "no": "1.1", "title": "x", "source": "s", "rule": {"kind": "assessed", "max": 50}}
                    ],
                },
                {
                    "id": "2",
                    "title": "two",
                    "criteria": [
                        {"id": "y", "no": "2.1", "title": "y", "source": "s", "rule": {"kind": "assessed", "max": 40}},
                        {
                            "id": "k",
                            "no": "2.2",
                            "title": "k",
                            "source": "s",
                            "rule": {"kind": "count_penalty", "max": 10, "per": 10},
                        },
                    ],
                },
            ],
            "deductions": [{"id": "d", "title": "d", "per": 1, "source": "s"}],
            "awards": awards or [],
            "tie_breakers": tie_breakers,
        }
    )


def unit(name: str, x: int, y: int, deductions: int = 0, disciplined: int = 0) -> Submission:
    return Submission(
        name,
        2017,
        {
            "x": AssessedValue(points=Decimal(x)),
            "y": AssessedValue(points=Decimal(y)),
            "k": CountValue(count=disciplined),
        },
        {"d": deductions},
    )


def ranks(ruleset: Ruleset, subs: list[Submission]) -> list[tuple[int, str, bool]]:
    ranking = rank(ruleset, [score(ruleset, s) for s in subs])
    return [(u.rank, u.card.department, u.tied) for u in ranking.units]


def test_order_by_total_then_competition_ranking_for_ties() -> None:
    ruleset = small_ruleset([])
    subs = [unit("a", 30, 30), unit("b", 40, 30), unit("c", 30, 40), unit("d", 10, 10)]
    assert ranks(ruleset, subs) == [(1, "b", True), (1, "c", True), (3, "a", False), (4, "d", False)]


def test_content_tie_breaker_separates_equal_totals() -> None:
    ruleset = small_ruleset(["content:1"])
    subs = [unit("a", 30, 30), unit("b", 40, 30), unit("c", 30, 40), unit("d", 10, 10)]
    assert ranks(ruleset, subs) == [(1, "b", False), (2, "c", False), (3, "a", False), (4, "d", False)]
    ranking = rank(ruleset, [score(ruleset, s) for s in subs])
    assert ranking.units[0].decided_by == "content:1"


def test_fewer_deductions_breaks_a_tie_that_content_leaves() -> None:
    ruleset = small_ruleset(["content:1", "fewer_deductions"])
    # equal totals and equal content 1: b has fewer deductions
    subs = [unit("a", 40, 34, deductions=4), unit("b", 40, 32, deductions=2)]
    assert ranks(ruleset, subs) == [(1, "b", False), (2, "a", False)]
    assert rank(ruleset, [score(ruleset, s) for s in subs]).units[0].decided_by == "fewer_deductions"


def test_units_equal_under_every_tie_breaker_share_the_rank() -> None:
    ruleset = small_ruleset(["content:1", "fewer_deductions"])
    subs = [unit("a", 40, 30), unit("b", 40, 30), unit("c", 45, 30), unit("d", 1, 1)]
    assert ranks(ruleset, subs) == [(1, "c", False), (2, "a", True), (2, "b", True), (4, "d", False)]


def test_ranking_does_not_depend_on_input_order() -> None:
    ruleset = small_ruleset(["content:1"])
    subs = [unit("a", 30, 30), unit("b", 40, 30), unit("c", 30, 40), unit("e", 40, 20)]
    assert ranks(ruleset, subs) == ranks(ruleset, list(reversed(subs)))


AWARDS = [
    {"id": "flag", "title": "Flag", "quota": 1, "min_share": Decimal("0.90"), "require_zero": ["k"]},
    {"id": "merit", "title": "Merit", "quota": 2, "min_share": Decimal("0.80")},
]


def test_awards_skip_units_failing_require_zero_and_min_share() -> None:
    ruleset = small_ruleset(["content:1"], AWARDS)
    subs = [
        unit("a", 50, 40, disciplined=1),  # 90/100: best, but a disciplined official: no flag
        unit("b", 50, 37),  # 97/100 (k = 10): the flag
        unit("c", 45, 36),  # 91: merit
        unit("d", 40, 20),  # 70: below 80 %: no merit
    ]
    ranking = rank(ruleset, [score(ruleset, s) for s in subs])
    assert [(u.card.department, u.card.total, u.award) for u in ranking.units] == [
        ("b", Decimal("97"), "flag"),
        ("c", Decimal("91"), "merit"),
        ("a", Decimal("90"), "merit"),
        ("d", Decimal("70"), None),
    ]
    check = next(c for c in ranking.awards if c.award_id == "flag" and c.department == "a")
    assert check.nonzero == (("k", 1),) and not check.proposed
    check = next(c for c in ranking.awards if c.award_id == "merit" and c.department == "d")
    assert not check.meets_share and not check.proposed and check.share == Decimal("0.7")


def test_missing_departments_are_listed_not_ranked() -> None:
    ruleset = small_ruleset([])
    ranking = rank(ruleset, [score(ruleset, unit("b", 1, 1))], missing=["c", "a"])
    assert ranking.missing == ("a", "c")  # in the ruleset's order
    assert [u.card.department for u in ranking.units] == ["b"]


@pytest.mark.parametrize("year", [2016, 2017])
def test_engine_agrees_with_the_independent_reference_scorer(run: Callable[..., Any], year: int) -> None:
    result = run("score", str(year), "--format", "json", "--self")  # the reference knows no reviews
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    expected = {row["department"]: row for row in reference_scorer.score_workspace(REPO, year)}
    assert len(record["ranking"]) == len(expected) == 7
    for row in record["ranking"]:
        ref = expected[row["department"]]
        assert row["rank"] == ref["rank"]
        assert row["award"] == ref["award"]
        for key in ("base", "bonus", "deductions", "total"):
            assert Decimal(row[key]) == ref[key], (row["department"], key)
        assert {k: Decimal(v) for k, v in row["contents"].items()} == {
            k: Decimal(v) for k, v in ref["contents"].items()
        }
        for criterion_id, (points, bonus) in ref["criteria"].items():
            assert Decimal(row["criteria"][criterion_id]["points"]) == points
            assert Decimal(row["criteria"][criterion_id]["bonus"]) == bonus


def test_reference_scorer_agrees_on_a_shuffled_edited_workspace(run: Callable[..., Any], workspace: Path) -> None:
    # make a tie at the top and a capped bonus: both implementations must agree
    path = workspace / "submissions" / "2017" / "so-tai-chinh.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("{rating: tot", "{rating: xuat-sac", 1) if "{rating: tot" in text else text, encoding="utf-8"
    )
    result = run("score", "2017", "--format", "json", "--self", root=workspace)
    record = json.loads(result.stdout)
    expected = {row["department"]: row for row in reference_scorer.score_workspace(workspace, 2017)}
    for row in record["ranking"]:
        assert (row["rank"], Decimal(row["total"]), row["award"]) == (
            expected[row["department"]]["rank"],
            expected[row["department"]]["total"],
            expected[row["department"]]["award"],
        )
    shutil.rmtree(workspace)


# --- a tie that an award's quota cuts through ------------------------------------------------


def tie_at_the_quota(workspace: Path) -> None:
    """so-tai-nguyen-moi-truong submits exactly what so-nong-nghiep does: both rank 3, one bang-khen place left."""
    folder = workspace / "submissions" / "2017"
    text = (folder / "so-nong-nghiep.yaml").read_text(encoding="utf-8")
    (folder / "so-tai-nguyen-moi-truong.yaml").write_text(
        text.replace("department: so-nong-nghiep", "department: so-tai-nguyen-moi-truong"), encoding="utf-8"
    )


def test_a_tie_cut_by_a_quota_is_found(workspace: Path) -> None:
    from emulate.engine import QuotaTie
    from emulate.evaluation import evaluate
    from emulate.workspace import Workspace

    data = Workspace(workspace).load_year(2017)
    assert evaluate(data.ruleset, data.submissions, data.missing, data.review).ranking.quota_ties() == ()
    tie_at_the_quota(workspace)
    data = Workspace(workspace).load_year(2017)
    ranking = evaluate(data.ruleset, data.submissions, data.missing, data.review).ranking
    assert ranking.quota_ties() == (QuotaTie("bang-khen", 3, ("so-nong-nghiep",), ("so-tai-nguyen-moi-truong",)),)


@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
def test_every_ranking_for_people_says_the_ballot_decides_a_tie_cut_by_a_quota(
    fmt: str, workspace: Path, run: Callable[..., Any], tmp_path: Path
) -> None:
    def shown() -> str:
        if fmt != "html":
            return run("score", "2017", "--format", fmt, root=workspace, env={"COLUMNS": "300"}).stdout
        page = tmp_path / f"{len(list(tmp_path.iterdir()))}.html"
        run("score", "2017", "--format", "html", "--output", str(page), root=workspace)
        return html.unescape(page.read_text(encoding="utf-8"))

    assert "secret ballot decides" not in shown().replace("Proposals only: the bloc's secret ballot decides.", "")
    tie_at_the_quota(workspace)
    out = shown()
    assert (
        "Sở Nông nghiệp và Phát triển nông thôn (proposed) and Sở Tài nguyên và Môi trường (not proposed) share rank 3"
        in out
    )
    assert "in the order of their ids; the bloc's secret ballot decides" in out


def _relative_ruleset() -> Ruleset:
    return Ruleset.model_validate(
        {
            "ruleset": "r",
            "year": 2017,
            "version": "1",
            "title": "r",
            "departments": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
            "contents": [
                {
                    "id": "1",
                    "title": "one",
                    "criteria": [
                        {"id": "v", "no": "1.1", "title": "v", "source": "s", "rule": {"kind": "relative", "max": 5}}
                    ],
                }
            ],
        }
    )


def test_a_relative_ruleset_scored_without_bests_is_an_error_not_zero() -> None:
    from emulate.engine import NoBest, score_together
    from emulate.kinds.relative import RelativeValue

    ruleset = _relative_ruleset()
    assert not ruleset.scores_alone and small_ruleset([]).scores_alone
    a = Submission("a", 2017, {"v": RelativeValue(value=Decimal(4))}, {})
    b = Submission("b", 2017, {"v": RelativeValue(value=Decimal(8))}, {})
    with pytest.raises(NoBest):
        score(ruleset, a)
    assert [c.total for c in score_together(ruleset, [a, b])] == [Decimal("2.50"), Decimal("5.00")]


def test_relative_reach_gives_the_nearest_value_for_each_total_against_the_best() -> None:
    from emulate.kinds.base import Best
    from emulate.kinds.relative import RelativeRule, RelativeValue

    higher = RelativeRule(kind="relative", max=Decimal(5))
    best = Best(Decimal(610), ("h-ly-nhan",))
    reach = higher.reach_against(RelativeValue(value=Decimal(180)), 2, best)
    # 5 × 180 / 610 = 1.475… → 1.48: every total from 1.49 to 5.00 is open
    assert reach.spans == ((Decimal("1.49"), Decimal("5.00")),)
    # 5 × 244 / 610 = 2.00 exactly; 5.00 takes the best's own value
    assert reach.value_for(Decimal("2.00")).value == 244 and reach.value_for(Decimal("5.00")).value == 610
    lower = RelativeRule(kind="relative", max=Decimal(5), direction="lower")
    reach = lower.reach_against(RelativeValue(value=Decimal(1200)), 2, best)
    # 5 × 610 / 1200 = 2.541… → 2.54; 5 × 610 / 917 = 3.326… → 3.33
    assert reach.spans == ((Decimal("2.55"), Decimal("5.00")),)
    assert reach.value_for(Decimal("3.33")).value == 917
    # the lowest is 0: only 0 scores more than 0
    assert lower.reach_against(RelativeValue(value=Decimal(3)), 2, Best(Decimal(0), ("a",))).value_for(
        Decimal("1.00")
    ).value == Decimal(0)
    assert higher.reach_against(RelativeValue(value=Decimal(610)), 2, best).spans == ()  # the best: nothing open
    assert higher.reach(RelativeValue(value=Decimal(1)), 2).spans == ()  # without the best: cannot tell


def test_relative_explanations_name_the_best_unit_and_show_the_arithmetic() -> None:
    from emulate.engine import score_together
    from emulate.kinds.relative import RelativeValue

    ruleset = _relative_ruleset()
    a = Submission("a", 2017, {"v": RelativeValue(value=Decimal(4))}, {})
    b = Submission("b", 2017, {"v": RelativeValue(value=Decimal(8))}, {})
    card = score_together(ruleset, [a, b])[0].criterion("v")
    assert card.criterion.rule.explain(card, 2) == ["4 / 8 (the highest, b) × 5 = 2.50"]
    zero = Submission("b", 2017, {"v": RelativeValue(value=Decimal(0))}, {})
    both_zero = score_together(ruleset, [replace_value(a, 0), zero])[0].criterion("v")
    assert both_zero.criterion.rule.explain(both_zero, 2) == ["best (highest) value 0 (a, b): every unit scores 0"]


def replace_value(submission: Submission, value: int) -> Submission:
    from dataclasses import replace

    from emulate.kinds.relative import RelativeValue

    return replace(submission, criteria={"v": RelativeValue(value=Decimal(value))})


def test_a_review_that_lowers_the_best_value_raises_the_others_points() -> None:
    """The bests are taken among the reviewed values: b's 8 reviewed down to 5 makes a's 4 worth
    5 × 4 / 5 = 4.00 (not 2.50); the review's effect on b is 5.00 self-declared, 5.00 reviewed (still the best)."""
    from emulate.evaluation import evaluate
    from emulate.kinds.relative import RelativeValue
    from emulate.review import Adjustment, Review

    ruleset = _relative_ruleset()
    a = replace_value(Submission("a", 2017, {}, {}), 4)
    b = replace_value(Submission("b", 2017, {}, {}), 8)
    review = Review(2017, "a", None, (Adjustment("b", "sai số liệu", "v", RelativeValue(value=Decimal(5))),))
    evaluation = evaluate(ruleset, [a, b], (), review)
    totals = {u.card.department: u.card.total for u in evaluation.ranking.units}
    assert totals == {"a": Decimal("4.00"), "b": Decimal("5.00")}
    (effect,) = evaluation.effects
    assert (effect.self_declared, effect.reviewed) == (Decimal("5.00"), Decimal("5.00"))
    assert evaluate(ruleset, [a, b]).ranking.unit("a").card.total == Decimal("2.50")  # type: ignore[union-attr]


def test_rescore_scores_relative_criteria_against_the_bests_under_each_ruleset() -> None:
    from emulate.diff import rescore

    old = _relative_ruleset()
    new = old.model_copy(
        update={
            "contents": [
                old.contents[0].model_copy(
                    update={
                        "criteria": [
                            old.contents[0]
                            .criteria[0]
                            .model_copy(
                                update={"rule": old.contents[0].criteria[0].rule.model_copy(update={"max": 10})}
                            )
                        ]
                    }
                )
            ]
        }
    )
    a = replace_value(Submission("a", 2017, {}, {}), 4)
    b = replace_value(Submission("b", 2017, {}, {}), 8)
    impact = rescore(old, new, [a, b])
    totals = {u.department: (u.old.total, u.new.total) for u in impact.units if u.old and u.new}
    # 5 × 4 / 8 = 2.50 and 10 × 4 / 8 = 5.00; b is the best under both
    assert totals == {"a": (Decimal("2.50"), Decimal("5.00")), "b": (Decimal("5.00"), Decimal("10.00"))}
