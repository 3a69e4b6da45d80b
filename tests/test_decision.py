"""Decision support (SPEC 9): `gap` against brute force, `whatif` against `score`, the kinds' `reach`,
and the three commands on the shipped workspace in every format and both languages."""

from __future__ import annotations

import functools
import itertools
import json
import re
import shlex
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import emulate
from emulate.decision import Change, Goal, Obstacle, Setting, gap, margins, parse_setting, whatif
from emulate.engine import rank, score
from emulate.evaluation import evaluate
from emulate.kinds import VALUE_MODELS
from emulate.render.decision import flow
from emulate.ruleset import Ruleset
from emulate.submission import Submission
from emulate.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent
FAST = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=20)
UNITS = ("a", "b", "c", "d")


# --- a small bloc whose every value can be enumerated ----------------------------------------


def _criterion(id_: str, no: str, rule: dict[str, Any]) -> dict[str, Any]:
    return {"id": id_, "no": no, "title": id_, "source": "s", "rule": rule}


SMALL = Ruleset.model_validate(
    {
        "ruleset": "t",
        "year": 2017,
        "version": "1",
        "title": "t",
        "rounding": {"places": 0},
        "departments": [{"id": u, "name": u.upper()} for u in UNITS],
        "contents": [
            {
                "id": "1",
                "title": "one",
                "criteria": [
                    _criterion(
                        "r",
                        "1.1",
                        {"kind": "rating", "scale": {"a": 3, "b": 1, "c": 0}, "bonus": {"at_least": "b", "points": 1}},
                    ),
                    _criterion("s", "1.2", {"kind": "assessed", "max": 3}),
                ],
            },
            {
                "id": "2",
                "title": "two",
                "criteria": [
                    _criterion("k", "2.1", {"kind": "count_penalty", "max": 3, "per": 2}),
                    _criterion(
                        "c",
                        "2.2",
                        {
                            "kind": "checklist",
                            "items": {"x": {"title": "x", "points": 2}, "y": {"title": "y", "points": 1}},
                        },
                    ),
                    _criterion("m", "2.3", {"kind": "count_points", "per": 1, "cap": 2}),
                ],
            },
        ],
        "deductions": [{"id": "d", "title": "d", "per": 1, "cap": 2, "source": "s"}],
        "awards": [
            {"id": "flag", "title": "flag", "quota": 1, "min_share": Decimal("0.5"), "require_zero": ["k"]},
            {"id": "merit", "title": "merit", "quota": 1, "min_share": Decimal("0.3")},
        ],
        "tie_breakers": ["content:1", "fewer_deductions"],
    }
)

# every value each criterion can take (enough to reach every total its rule gives)
CHOICES: dict[str, list[dict[str, Any]]] = {
    "r": [{"rating": label} for label in ("a", "b", "c")],
    "s": [{"points": p} for p in range(4)],
    "k": [{"count": n} for n in range(4)],
    "c": [{"items": {"x": x, "y": y}} for x in (True, False) for y in (True, False)],
    "m": [{"count": n} for n in range(4)],
}


def _value(criterion: str, data: dict[str, Any]) -> Any:
    kind = SMALL.criterion(criterion)
    assert kind is not None
    return VALUE_MODELS[kind.kind].model_validate(data)


unit_values = st.fixed_dictionaries({c: st.sampled_from(options) for c, options in CHOICES.items()})
units = st.lists(st.tuples(unit_values, st.integers(0, 3)), min_size=2, max_size=4)
goals = st.one_of(st.builds(Goal, rank=st.integers(1, 3)), st.sampled_from([Goal(award="flag"), Goal(award="merit")]))


def _submissions(drawn: list[tuple[dict[str, Any], int]]) -> list[Submission]:
    return [
        Submission(UNITS[i], 2017, {c: _value(c, data) for c, data in values.items()}, {"d": deducted})
        for i, (values, deducted) in enumerate(drawn)
    ]


# the same bloc, ties broken by one criterion's points
BY_CRITERION = SMALL.model_copy(update={"tie_breakers": ["criterion:c", "fewer_deductions"]})


def brute_force(ruleset: Ruleset, submissions: list[Submission], department: str, goal: Goal) -> Decimal | None:
    """The smallest increase over every combination of values that are no worse than the unit's own: no
    criterion scores less than it does, no checklist item achieved is given up, no deduction counts more;
    a count an award requires to be 0 is left as it is (gap's reading of the question)."""
    own = next(s for s in submissions if s.department == department)
    others = [score(ruleset, s) for s in submissions if s.department != department]
    now = score(ruleset, own)
    frozen = {name for a in ruleset.awards if a.id == goal.award for name in a.require_zero}
    options = []
    for cs in now.criteria:
        criterion = cs.criterion.id
        values = [cs.value] if criterion in frozen else [_value(criterion, data) for data in CHOICES[criterion]]
        if criterion == "c":  # an item achieved stays achieved
            values = [v for v in values if all(v.items[item] for item, done in cs.value.items.items() if done)]
        options.append([(criterion, v) for v in values])
    best: Decimal | None = None
    for combination in itertools.product(*options, range(own.deductions["d"] + 1)):
        *chosen, deducted = combination
        card = score(ruleset, Submission(department, 2017, dict(chosen), {"d": deducted}))
        if any(c.total < before.total for c, before in zip(card.criteria, now.criteria, strict=True)):
            continue
        if goal.reached(ruleset, rank(ruleset, [*others, card]), department):
            increase = card.total - now.total
            best = increase if best is None else min(best, increase)
    return best


@FAST
@given(st.sampled_from([SMALL, BY_CRITERION]), units, st.integers(0, 3), goals)
def test_gap_finds_the_smallest_sufficient_increase_that_brute_force_finds(
    ruleset: Ruleset, drawn: list[tuple[dict[str, Any], int]], who: int, goal: Goal
) -> None:
    submissions = _submissions(drawn)
    department = submissions[who % len(submissions)].department
    result = gap(ruleset, submissions, [], None, department, goal)
    assert result.increase == brute_force(ruleset, submissions, department, goal)
    for way in result.ways:  # each way is sufficient on its own
        after = whatif(ruleset, submissions, [], None, [Setting(department, c) for c in way.changes])
        assert goal.reached(ruleset, after.after.ranking, department)
        assert len({c.target for c in way.changes}) == len(way.changes) == len(result.ways[0].changes)
    unchanged = whatif(ruleset, submissions, [], None)
    assert unchanged.changes == ()
    assert unchanged.after.ranking.units == rank(ruleset, [score(ruleset, s) for s in submissions]).units


TOP = {
    "r": {"rating": "a"},
    "s": {"points": 3},
    "k": {"count": 0},
    "c": {"items": {"x": True, "y": True}},
    "m": {"count": 3},
}


def test_a_require_zero_that_fails_cannot_be_helped() -> None:
    submissions = _submissions([(TOP | {"k": {"count": 1}}, 0), (TOP, 2)])
    result = gap(SMALL, submissions, [], None, "a", Goal(award="flag"))
    assert result.increase is None and not result.reachable
    assert Obstacle("require_zero", criterion="k", award="flag") in result.cannot_help
    assert gap(SMALL, submissions, [], None, "a", Goal(rank=1)).increase == 0  # the rank needs nothing


def test_a_quota_held_by_a_unit_ahead_whatever_the_points() -> None:
    submissions = _submissions([(TOP, 0), (TOP | {"s": {"points": 0}}, 0)])
    flag = gap(SMALL, submissions, [], None, "b", Goal(award="flag"))
    # at its most, b ties with a under every tie-breaker: the one flag goes to a
    assert flag.increase is None and flag.cannot_help[-1] == Obstacle("quota_held", award="flag")
    first = gap(SMALL, submissions, [], None, "b", Goal(rank=1))
    assert first.increase == 3 and [c.target for c in first.ways[0].changes] == ["s"]
    fewer = gap(SMALL, _submissions([(TOP, 0), (TOP, 1)]), [], None, "b", Goal(rank=1))
    assert fewer.increase == 1 and fewer.ways[0].changes[0] == Change("d", 0, deduction=True)


# --- the shipped workspace -------------------------------------------------------------------


@functools.cache
def shipped() -> Any:
    data = Workspace(REPO).load_year(2017)
    assert data.ok
    return data


@pytest.fixture
def year() -> Any:
    return shipped()


def _reaches_through_whatif(year: Any, department: str, goal: Goal) -> None:
    result = gap(year.ruleset, year.submissions, year.missing, year.review, department, goal)
    if not result.ways:
        return
    submitted = [s.department for s in year.submissions]
    for way in result.ways:
        # through the text `whatif --set` takes: flow YAML read back as a submission's value
        texts = [f"{department}.{c.target}={flow(c.value)}" for c in way.changes]
        parsed = [parse_setting(text, year.ruleset, submitted) for text in texts]
        assert all(setting is not None and not problems for setting, problems in parsed), parsed
        after = whatif(year.ruleset, year.submissions, year.missing, year.review, [s for s, _ in parsed if s])
        assert goal.reached(year.ruleset, after.after.ranking, department), texts
        unit = after.after.ranking.unit(department)
        assert unit is not None and unit.card.total - result.total == way.increase >= (result.increase or 0)


@settings(deadline=None, max_examples=12, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["so-xay-dung", "so-nong-nghiep", "so-tai-nguyen-moi-truong", "so-cong-thuong"]),
    st.one_of(
        st.builds(Goal, rank=st.integers(1, 7)), st.sampled_from([Goal(award="co-thi-dua"), Goal(award="bang-khen")])
    ),
)
def test_the_change_gap_proposes_reaches_the_goal_through_whatif(department: str, goal: Goal) -> None:
    _reaches_through_whatif(shipped(), department, goal)


def test_gap_on_the_shipped_year_says_how_the_threshold_follows(year: Any) -> None:
    result = gap(year.ruleset, year.submissions, year.missing, year.review, "so-xay-dung", Goal(rank=1))
    # 611.55 - 610.30: an equal total suffices, content 1 decides the tie in its favour
    assert result.increase == Decimal("1.25") and result.new_rank == 1
    assert result.passed == ("so-tai-chinh",) and result.decided_by == "content:1"
    flag = gap(year.ruleset, year.submissions, year.missing, year.review, "so-xay-dung", Goal(award="co-thi-dua"))
    assert flag.increase is None and flag.cannot_help[-1].reason == "require_zero"


@settings(deadline=None, max_examples=10, suppress_health_check=[HealthCheck.too_slow])
@given(st.booleans(), st.booleans())
def test_whatif_without_a_change_reproduces_score(reviewed: bool, under_own_rules: bool) -> None:
    year = shipped()
    review = year.review if reviewed else None
    rules = year.ruleset if under_own_rules else None
    result = whatif(year.ruleset, year.submissions, year.missing, review, (), rules)
    expected = evaluate(year.ruleset, year.submissions, year.missing, review).ranking
    assert result.changes == ()
    shown = [(u.rank, u.card.department, u.card.total, u.award, u.tied) for u in result.after.ranking.units]
    assert shown == [(u.rank, u.card.department, u.card.total, u.award, u.tied) for u in expected.units]


def test_margins_name_neighbours_boundaries_and_the_adjustments_that_decided(year: Any) -> None:
    result = margins(year.ruleset, year.submissions, year.missing, year.review)
    ranking = evaluate(year.ruleset, year.submissions, year.missing, year.review).ranking
    assert [(p.upper, p.lower) for p in result.pairs] == list(
        itertools.pairwise(u.card.department for u in ranking.units)
    )
    assert result.pairs[0].points == Decimal("1.25")
    assert [(b.award, b.last_in, b.first_out) for b in result.boundaries] == [
        ("co-thi-dua", "so-tai-chinh", "so-xay-dung"),
        ("bang-khen", "so-nong-nghiep", "so-tai-nguyen-moi-truong"),
    ]
    undone = {u.adjustment.target: u for u in result.adjustments}
    assert undone["nong-thon-moi"].undo_changes and not undone["phe-binh"].undo_changes
    # undoing the correction puts so-xay-dung first; the flag stays (a disciplined official)
    moves = {m.department: m for m in undone["nong-thon-moi"].moves}
    assert moves["so-xay-dung"].rank == (2, 1) and moves["so-xay-dung"].award == ("bang-khen", "bang-khen")


def test_a_tie_decided_by_a_tie_breaker_is_named_in_margins() -> None:
    # both 1 below the top: b in content 1, a in content 2
    result = margins(
        SMALL,
        _submissions([(TOP | {"c": {"items": {"x": True, "y": False}}}, 0), (TOP | {"s": {"points": 2}}, 0)]),
        [],
        None,
    )
    assert (result.pairs[0].upper, result.pairs[0].points, result.pairs[0].decided_by) == ("a", 0, "content:1")


# --- the kinds' reach ------------------------------------------------------------------------


@pytest.mark.parametrize("department", ["so-tai-chinh", "so-cong-thuong", "so-giao-thong-van-tai"])
def test_every_total_a_kind_says_is_reachable_is_scored_exactly_by_its_value(year: Any, department: str) -> None:
    card = next(score(year.ruleset, s) for s in year.submissions if s.department == department)
    places = year.ruleset.rounding.places
    for cs in card.criteria:
        reach = cs.criterion.rule.reach(cs.value, places)
        for low, high in reach.spans:
            for total in {low, high, (low + high) / 2 // Decimal("0.01") * Decimal("0.01")}:
                if not low <= total <= high:
                    continue
                scored = cs.criterion.rule.score(reach.value_for(total), places)
                assert scored.points + scored.bonus == total, (cs.criterion.id, total)


def test_targets_reach_every_step_up_to_points_and_bonus_cap() -> None:
    rule = SMALL_TARGETS.criterion("t")
    assert rule is not None
    value = VALUE_MODELS["targets"].model_validate(
        {
            "targets": [
                {"name": "a", "target": 10, "actual": 5},
                {"name": "b", "direction": "lower", "target": 0, "actual": 3},
            ]
        }
    )
    reach = rule.rule.reach(value, 1)
    # component a: 2.0 of 4.0, up to 4 + 1 bonus; b: 0 or 4 (a lower target of 0 is all or nothing)
    assert reach.spans == ((Decimal("2.1"), Decimal("5.0")), (Decimal("6.0"), Decimal("9.0")))
    for total in (Decimal("2.1"), Decimal("5.0"), Decimal("6.0"), Decimal("6.7"), Decimal("9.0")):
        scored = rule.rule.score(reach.value_for(total), 1)
        assert scored.points + scored.bonus == total


@pytest.mark.parametrize(
    ("rule", "now", "spans", "values"),
    [
        # a step table on a count: 10 at 5 or more, 6 at 3 or more, otherwise 1
        (
            {
                "kind": "tiers",
                "measure": "count",
                "steps": [{"at_least": 5, "points": 10}, {"at_least": Decimal("2.5"), "points": 6}],
                "otherwise": 1,
            },
            {"value": 0},
            ((Decimal(6), Decimal(6)), (Decimal(10), Decimal(10))),
            {Decimal(6): {"value": 3}, Decimal(10): {"value": 5}},
        ),
        # at most: fewer is better
        (
            {"kind": "tiers", "steps": [{"at_most": 1, "points": 8}, {"at_most": 4, "points": 3}]},
            {"value": 9},
            ((Decimal(3), Decimal(3)), (Decimal(8), Decimal(8))),
            {Decimal(3): {"value": 4}, Decimal(8): {"value": 1}},
        ),
        (
            {"kind": "count_points", "per": 3, "cap": 7},
            {"count": 1},
            ((Decimal(6), Decimal(6)), (Decimal(7), Decimal(7))),
            {Decimal(7): {"count": 3}},
        ),
        (
            {"kind": "count_penalty", "max": 10, "per": 4},
            {"count": 9},
            ((Decimal(2), Decimal(2)), (Decimal(6), Decimal(6)), (Decimal(10), Decimal(10))),
            {Decimal(2): {"count": 2}},
        ),
        (
            {"kind": "percent", "max": 30},
            {"percent": 50},
            ((Decimal(16), Decimal(30)),),
            {Decimal(16): {"percent": 52}, Decimal(30): {"percent": 99}},
        ),
    ],
)
def test_a_kind_says_what_a_value_can_still_score_and_the_value_that_scores_it(
    rule: dict[str, Any], now: dict[str, Any], spans: tuple[tuple[Decimal, Decimal], ...], values: dict[Decimal, Any]
) -> None:
    from emulate.kinds import RULES

    model = RULES[rule["kind"]].model_validate(rule)
    reach = model.reach(model.VALUE.model_validate(now), 0)
    assert reach.spans == spans
    for total, expected in values.items():
        given = reach.value_for(total)
        assert given.model_dump(exclude_defaults=True) == expected
        assert model.score(given, 0).points == total


SMALL_TARGETS = Ruleset.model_validate(
    {
        "ruleset": "t",
        "year": 2017,
        "version": "1",
        "title": "t",
        "rounding": {"places": 1},
        "departments": [{"id": "a", "name": "A"}],
        "contents": [
            {
                "id": "1",
                "title": "one",
                "criteria": [
                    _criterion(
                        "t",
                        "1.1",
                        {
                            "kind": "targets",
                            "count": 2,
                            "points_each": 4,
                            "bonus_per_percent": Decimal("0.1"),
                            "bonus_cap_each": 1,
                        },
                    )
                ],
            }
        ],
    }
)


# --- the commands ----------------------------------------------------------------------------


COMMANDS = [
    ("gap", "2017", "so-tai-nguyen-moi-truong", "--to", "bang-khen"),
    ("gap", "2017", "so-xay-dung", "--rank", "1"),
    ("gap", "2017", "so-xay-dung"),
    ("margins", "2017"),
    (
        "whatif",
        "2017",
        "--set",
        "so-xay-dung.cai-cach-hanh-chinh={rating: xuat-sac}",
        "--set",
        "so-tai-chinh.phe-binh=2",
    ),
    ("whatif", "2017", "--rules", str(REPO / "rules" / "2016.yaml")),
]


@pytest.mark.parametrize("args", COMMANDS)
@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
@pytest.mark.parametrize("lang", ["en", "vi"])
def test_every_command_answers_in_every_format_and_language(
    run: Callable[..., Any], args: tuple[str, ...], fmt: str, lang: str
) -> None:
    result = run(*args, "--format", fmt, "--lang", lang)
    assert result.exit_code == 0, result.stderr
    if fmt == "json":
        json.loads(result.stdout)
    if lang == "vi" and fmt != "json":
        assert not any(english in result.stdout for english in ("Smallest increase", "Award boundaries", "What moves"))


def test_gap_json_has_the_spec_shape(run: Callable[..., Any]) -> None:
    data = json.loads(run("gap", "2017", "so-xay-dung", "--rank", "1", "--format", "json").stdout)
    assert set(data) == {"department", "goal", "total", "increase", "reachable", "criteria", "ways", "cannot_help"}
    assert data["goal"] == {"rank": 1} and data["increase"] == "1.25" and data["reachable"] is True
    assert {"criterion": "cai-cach-hanh-chinh", "gain": "5.00", "value": "{rating: xuat-sac}"} in data["criteria"]
    assert all(
        set(w) == {"criteria"} and all(set(c) == {"criterion", "value"} for c in w["criteria"]) for w in data["ways"]
    )
    flag = json.loads(run("gap", "2017", "so-xay-dung", "--to", "co-thi-dua", "--format", "json").stdout)
    assert flag["increase"] is None and flag["reachable"] is False
    assert {"reason": "require_zero", "criterion": "ky-luat-can-bo", "award": "co-thi-dua"} in flag["cannot_help"]


def test_margins_and_whatif_json_have_the_spec_shape(run: Callable[..., Any]) -> None:
    data = json.loads(run("margins", "2017", "--format", "json").stdout)
    assert set(data) == {"pairs", "boundaries", "adjustments"}
    assert set(data["pairs"][0]) == {"upper", "lower", "points", "decided_by", "differ_most"}
    assert data["boundaries"][0] == {
        "award": "co-thi-dua",
        "last_in": "so-tai-chinh",
        "first_out": "so-xay-dung",
        "points": "1.25",
    }
    assert set(data["adjustments"][0]) == {"department", "criterion", "reason", "undo_changes", "moves"}
    assert set(data["adjustments"][2]) == {"department", "deduction", "reason", "undo_changes", "moves"}
    changed = json.loads(run("whatif", "2017", "--set", "so-tai-chinh.phe-binh=2", "--format", "json").stdout)
    assert changed == {
        "changes": [
            {
                "department": "so-xay-dung",
                "rank": [2, 1],
                "total": ["610.30", "610.30"],
                "award": ["bang-khen", "bang-khen"],
                "class": [None, None],
            },
            {
                "department": "so-tai-chinh",
                "rank": [1, 2],
                "total": ["611.55", "601.55"],
                "award": ["co-thi-dua", "co-thi-dua"],
                "class": [None, None],
            },
        ]
    }


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (("gap", "2017", "so-no-such"), 2, "unknown department"),
        (("gap", "2017", "so-xay-dung", "--to", "co-thi"), 2, "unknown award"),
        (("gap", "2017", "so-xay-dung", "--to", "bang-khen", "--rank", "2"), 2, "one goal"),
        (("gap", "2017", "so-xay-dung", "--rank", "0"), 2, ""),
        (("whatif", "2017", "--set", "so-no-such.cai-cach-hanh-chinh={rating: tot}"), 2, "unknown department"),
        (("whatif", "2017", "--set", "so-xay-dung.cai-cach-hanh-chin={rating: tot}"), 2, "did you mean"),
        (("whatif", "2017", "--set", "so-xay-dung"), 2, "--set takes"),
        (("whatif", "2017", "--rules", "no-such.yaml"), 2, "does not exist"),
        (("whatif", "2017", "--set", "so-xay-dung.cai-cach-hanh-chinh={rating: tốt}"), 1, "E207"),
        (("whatif", "2017", "--set", "so-xay-dung.phe-binh=-1"), 1, "E205"),
        (("whatif", "2017", "--set", "so-xay-dung.nong-thon-moi={points: 12,5}"), 1, "--set:1:"),
    ],
)
def test_user_errors_exit_with_a_message(run: Callable[..., Any], args: tuple[str, ...], code: int, said: str) -> None:
    result = run(*args)
    assert result.exit_code == code, result.stdout + result.stderr
    assert said in result.stderr and "Traceback" not in result.stderr


def test_an_invalid_value_is_reported_at_its_column_in_the_set(run: Callable[..., Any]) -> None:
    text = "so-xay-dung.cai-cach-hanh-chinh={rating: tốt}"
    result = run("whatif", "2017", "--set", text)
    column = text.index("tốt") + 1
    assert f"--set:1:{column}: error E207" in result.stderr


def test_a_title_in_the_set_is_read_as_its_label_with_a_warning(run: Callable[..., Any]) -> None:
    text = "so-xay-dung.cai-cach-hanh-chinh={rating: Xuất sắc}"
    titled = run("whatif", "2017", "--set", text)
    assert titled.exit_code == 0
    assert f"--set:1:{text.index('Xuất sắc') + 1}: warning W203" in titled.stderr
    assert titled.stdout == run("whatif", "2017", "--set", "so-xay-dung.cai-cach-hanh-chinh={rating: xuat-sac}").stdout


def test_a_unit_without_a_submission_has_no_gap(run: Callable[..., Any], workspace: Path) -> None:
    (workspace / "submissions" / "2017" / "so-cong-thuong.yaml").unlink()
    result = run("gap", "2017", "so-cong-thuong", root=workspace)
    assert result.exit_code == 2 and "no submission" in result.stderr
    assert run("whatif", "2017", "--set", "so-cong-thuong.phe-binh=0", root=workspace).exit_code == 2


def test_whatif_under_other_rules_says_what_they_score_0(run: Callable[..., Any]) -> None:
    for fmt in ("table", "markdown"):
        out = run("whatif", "2016", "--rules", str(REPO / "rules" / "2017.yaml"), "--format", fmt).stdout
        assert "nong-thon-moi has no value in the submissions of 7 unit(s)" in " ".join(out.split())
    year = Workspace(REPO).load_year(2016)
    other = Workspace(REPO).loaded_ruleset(2017).ruleset
    result = whatif(year.ruleset, year.submissions, year.missing, year.review, (), other)
    assert dict(result.unscored)["nong-thon-moi"] == tuple(s.department for s in year.submissions)


def test_output_writes_the_file(run: Callable[..., Any], tmp_path: Path) -> None:
    for fmt in ("table", "json", "markdown"):
        target = tmp_path / f"margins.{fmt}"
        result = run("margins", "2017", "--format", fmt, "--output", str(target))
        assert result.exit_code == 0 and result.stdout == ""
        assert "so-tai-chinh" in target.read_text(encoding="utf-8")
    assert run("margins", "2017", "--output", str(target)).exit_code == 1  # never overwritten without --force


def test_the_api_exports_decision_support() -> None:
    for name in ("gap", "margins", "whatif", "parse_setting", "Goal", "Gap", "Margins", "WhatIf", "Setting"):
        assert name in emulate.__all__ and getattr(emulate, name) is not None
    data = emulate.Workspace(REPO).load_year(2017)
    result = emulate.gap(
        data.ruleset, data.submissions, data.missing, data.review, "so-nong-nghiep", emulate.Goal(rank=2)
    )
    assert result.reachable and result.increase == Decimal("10.00")


def test_the_readme_shows_what_the_commands_print(run: Callable[..., Any]) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(
        r"```console\n\$ (emulate (?:--lang vi )?(?:gap|margins|whatif) [^\n]*)\n(.*?)```", readme, re.S
    )
    assert len(blocks) == 4
    for command, printed in blocks:
        args = shlex.split(command)[1:]
        result = run(*args)
        assert result.exit_code == 0, command
        assert [line.rstrip() for line in result.stdout.splitlines()] == printed.splitlines(), command
