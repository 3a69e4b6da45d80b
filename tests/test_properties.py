"""Property tests (hypothesis): the scoring engine, the ranking and validation, on generated input.

Strategies build random *valid* rulesets (1–3 contents of 1–5 criteria of any of the seven
rule kinds, random Decimal parameters with up to 2 decimals, rounding places 0–3, optional
deductions, awards and tie-breakers) and random *valid* submissions for them, as the plain
data a YAML file holds. Rulesets go through `Ruleset.model_validate`, submissions through
`parse_submission`, so the generators are themselves checked against the validators.

The properties: bounds of points, bonus and deductions; the totals' arithmetic;
monotonicity of `targets`; the ranking's independence of input order; competition ranks;
award quotas and conditions; byte-identical output in every format; loading and validation
never raising on arbitrary text, bytes or YAML-ish text; numbers at the limits of a file
(15 integer digits, 10 decimals) scoring and rendering without error; and the CLI's
`score --format json` agreeing with the in-process engine on a workspace written to disk.

Properties that fail because of a bug in `src/` are marked `xfail(strict=True)`, with the
minimal counterexample as an explicit `@example` (so they fail on every run) and in the reason.
"""

from __future__ import annotations

import copy
import functools
import io
import itertools
import json
import tempfile
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rich.console import Console
from typer.testing import CliRunner

from emulate.cli import app
from emulate.engine import ScoreCard, rank, round_points, score
from emulate.evaluation import Evaluation, evaluate
from emulate.render import explain as render_explain
from emulate.render import number
from emulate.render import score as render_score
from emulate.review import parse_review
from emulate.ruleset import Ruleset, check_ruleset, load_ruleset
from emulate.submission import Submission, parse_submission
from emulate.validation import validate
from emulate.yamlio import Document, Loaded, load_bytes, load_text

REPO = Path(__file__).resolve().parent.parent
ZERO = Decimal(0)
KINDS = ("targets", "rating", "percent", "checklist", "count_points", "count_penalty", "assessed")
COUNT_KINDS = ("count_points", "count_penalty")
LABELS = ("xuat-sac", "tot", "kha", "trung-binh", "yeu")
ITEMS = ("to-chuc-dang", "cong-doan", "chi-doan", "van-hoa", "ke-hoach")

# Default example counts; no deadline (a shared 2-core CI machine has slow moments).
FAST = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

Data = dict[str, Any]


# --- numbers ----------------------------------------------------------------------------


@functools.cache
def decimals(low: Decimal | int, high: Decimal | int, places: int = 2) -> st.SearchStrategy[Decimal]:
    """Decimals from low to high (inclusive) with exactly `places` decimals (cached: strategies are reused)."""
    scale = 10**places
    return st.integers(int(Decimal(low) * scale), int(Decimal(high) * scale)).map(lambda n: Decimal(n).scaleb(-places))


@functools.cache
def positive(high: int, places: int) -> st.SearchStrategy[Decimal]:
    """Positive decimals up to `high` with `places` decimals (the smallest step is 10^-places)."""
    return decimals(Decimal(1).scaleb(-places), high, places)


# The largest and smallest numbers a file may hold (15 integer digits, 10 decimals).
HUGE = Decimal("999999999999999.9999999999")
TINY = Decimal("0.0000000001")
LARGEST_WHOLE = 10**15 - 1


def amount(normal: st.SearchStrategy[Decimal], extreme: bool, *edges: Decimal) -> st.SearchStrategy[Decimal]:
    """`normal`, or with `extreme` also the edges of what a file may hold."""
    return st.one_of(st.sampled_from(edges), normal) if extreme else normal


# --- rulesets ---------------------------------------------------------------------------


def on_grid(places: int) -> tuple[Decimal, Decimal]:
    """The smallest and largest positive parameters a file may hold that have at most `places` decimals."""
    step = Decimal(1).scaleb(-places)
    return step, HUGE.quantize(step, rounding=ROUND_DOWN)


@st.composite
def rule_data(draw: st.DrawFn, places: int, kinds: tuple[str, ...] = KINDS, extreme: bool = False) -> Data:
    """One criterion's `rule`, valid for check-rules, with parameters of `places` decimals.

    `extreme`: parameters may also be the largest or smallest numbers a file may hold.
    """

    def param(high: int) -> st.SearchStrategy[Decimal]:
        # the smallest extreme stays on the rounding grid, or check-rules refuses the ruleset (E205)
        return amount(positive(high, places), extreme, *on_grid(places))

    kind = draw(st.sampled_from(kinds))
    if kind == "targets":
        rule: Data = {"kind": kind, "count": draw(st.integers(1, 5)), "points_each": draw(param(100))}
        if draw(st.booleans()):
            rule["bonus_per_percent"] = draw(param(2))
            rule["bonus_cap_each"] = draw(param(10))
        return rule
    if kind == "rating":
        labels = draw(st.lists(st.sampled_from(LABELS), min_size=1, max_size=5, unique=True))
        points = sorted(
            draw(st.lists(decimals(0, 50, places), min_size=len(labels), max_size=len(labels))), reverse=True
        )
        rule = {"kind": kind, "scale": dict(zip(labels, points, strict=True))}
        if draw(st.booleans()):
            rule["bonus"] = {"at_least": draw(st.sampled_from(labels)), "points": draw(param(10))}
        return rule
    if kind == "checklist":
        ids = draw(st.lists(st.sampled_from(ITEMS), min_size=1, max_size=4, unique=True))
        items = {}
        for item_id in ids:
            item: Data = {"title": f"Mục {item_id}", "points": draw(param(20))}
            choice = draw(st.sampled_from([None, "full", "forbidden"]))
            if choice is not None:
                item["if_not_applicable"] = choice
            items[item_id] = item
        return {"kind": kind, "items": items}
    if kind == "count_points":
        return {"kind": kind, "per": draw(param(10)), "cap": draw(param(30))}
    if kind == "count_penalty":
        return {"kind": kind, "max": draw(param(30)), "per": draw(param(10))}
    return {"kind": kind, "max": draw(param(50))}  # percent, assessed


@st.composite
def ruleset_data(draw: st.DrawFn, fit_places: bool = True, with_targets: bool = False, extreme: bool = False) -> Data:
    """A whole valid ruleset as plain data (what `rules/YEAR.yaml` holds).

    `fit_places`: parameters have no more decimals than the rounding places (so every
    rounded part stays within its maximum); otherwise up to 2 decimals whatever the places.
    `with_targets`: the first criterion is a `targets` criterion.
    `extreme`: rounding places up to 10 (the most check-rules allows) and parameters that may be
    the largest or smallest numbers a file may hold.
    """
    places = draw(st.integers(0, 10 if extreme else 3))
    digits = (places if extreme else min(places, 2)) if fit_places else 2
    year = draw(st.sampled_from([2017, 2018, 2031]))
    contents = []
    for i in range(1, draw(st.integers(1, 3)) + 1):
        criteria = []
        for j in range(1, draw(st.integers(1, 5)) + 1):
            kinds = ("targets",) if with_targets and i == j == 1 else KINDS
            criteria.append(
                {
                    "id": f"c{i}-{j}",
                    "no": f"{i}.{j}",
                    "title": f"Tiêu chí {i}.{j}",
                    "source": "assumed: generated",
                    "rule": draw(rule_data(digits, kinds, extreme)),
                }
            )
        contents.append({"id": str(i), "title": f"Nội dung {i}", "criteria": criteria})
    deductions = []
    for k in range(1, draw(st.integers(0, 2)) + 1):
        deduction: Data = {
            "id": f"d{k}",
            "title": f"Điểm trừ {k}",
            "per": draw(amount(positive(10, digits), extreme, *on_grid(digits))),
            "source": "assumed",
        }
        if draw(st.booleans()):
            deduction["cap"] = draw(amount(positive(20, digits), extreme, *on_grid(digits)))
        deductions.append(deduction)
    counted = [c["id"] for content in contents for c in content["criteria"] if c["rule"]["kind"] in COUNT_KINDS]
    counted += [d["id"] for d in deductions]
    awards = []
    for k in range(1, draw(st.integers(0, 2)) + 1):
        awards.append(
            {
                "id": f"a{k}",
                "title": f"Khen thưởng {k}",
                "quota": draw(st.integers(1, 3)),
                "min_share": draw(decimals(Decimal("0.01"), 1)),
                "require_zero": draw(st.lists(st.sampled_from(counted), unique=True, max_size=2)) if counted else [],
            }
        )
    breakers = ["fewer_deductions", *(f"content:{c['id']}" for c in contents)]
    return {
        "ruleset": "khoi-thu",
        "year": year,
        "version": f"{year}.1",
        "title": f"Giao ước thi đua {year}",
        "rounding": {"places": places, "mode": "half_up"},
        "departments": [
            {"id": f"u{k}", "name": f"Sở số {k}", "role": "leader" if k == 1 else "member"}
            for k in range(1, draw(st.integers(1, 6)) + 1)
        ],
        "contents": contents,
        "deductions": deductions,
        "awards": awards,
        "tie_breakers": draw(st.lists(st.sampled_from(breakers), unique=True, max_size=3)),
    }


def criteria_of(data: Data) -> list[Data]:
    return [c for content in data["contents"] for c in content["criteria"]]


# --- submissions ------------------------------------------------------------------------


@st.composite
def component_data(draw: st.DrawFn, number_: int, extreme: bool = False) -> Data:
    direction = draw(st.sampled_from(["higher", "lower", None]))
    if direction == "lower":
        target = draw(amount(decimals(0, 100), extreme, ZERO, TINY, HUGE))
        actual = draw(amount(decimals(0, 300), extreme, ZERO, TINY, HUGE))
    else:
        target = draw(amount(decimals(Decimal("0.01"), 1000), extreme, TINY, HUGE))
        actual = draw(amount(decimals(0, 2000), extreme, ZERO, TINY, HUGE))
    component: Data = {"name": f"Chỉ tiêu {number_}", "unit": "%", "target": target, "actual": actual}
    if direction is not None:
        component["direction"] = direction
    return component


@st.composite
def value_data(draw: st.DrawFn, rule: Data, extreme: bool = False) -> Data:
    """A valid value for a criterion with this rule (`extreme`: also the largest and smallest numbers)."""
    kind = rule["kind"]
    if kind == "targets":
        return {"targets": [draw(component_data(n, extreme)) for n in range(1, rule["count"] + 1)]}
    if kind == "rating":
        return {"rating": draw(st.sampled_from(list(rule["scale"])))}
    if kind == "percent":
        return {"percent": draw(amount(decimals(0, 100), extreme, TINY, Decimal("99.9999999999"), Decimal(100)))}
    if kind == "checklist":
        states = {}
        for item_id, item in rule["items"].items():
            allowed: list[Any] = [True, False] + (["not_applicable"] if item.get("if_not_applicable") == "full" else [])
            states[item_id] = draw(st.sampled_from(allowed))
        return {"items": states}
    if kind in COUNT_KINDS:
        return {"count": draw(st.integers(0, LARGEST_WHOLE) if extreme else st.integers(0, 20))}
    return {"points": draw(amount(decimals(0, rule["max"]), extreme, TINY, rule["max"] - TINY))}  # assessed


@st.composite
def submission_data(draw: st.DrawFn, ruleset: Data, department: str, extreme: bool = False) -> Data:
    """A valid submission of `department` for the ruleset (plain data, as in a YAML file)."""
    criteria = criteria_of(ruleset)
    data: Data = {
        "department": department,
        "year": ruleset["year"],
        "criteria": {c["id"]: draw(value_data(c["rule"], extreme)) for c in criteria},
    }
    if ruleset["deductions"] and draw(st.booleans()):
        counts = st.integers(0, LARGEST_WHOLE) if extreme else st.integers(0, 5)
        data["deductions"] = {d["id"]: draw(counts) for d in ruleset["deductions"]}
    claimed = draw(st.lists(st.sampled_from([c["id"] for c in criteria]), unique=True, max_size=2))
    if claimed:
        data["self_score"] = {cid: draw(amount(decimals(0, 100), extreme, TINY, HUGE)) for cid in claimed}
    return data


@st.composite
def year_data(
    draw: st.DrawFn, fit_places: bool = True, extreme: bool = False, extreme_rules: bool = False
) -> tuple[Data, list[Data]]:
    """A ruleset and submissions of some of its departments; some units copy another's values (ties).

    `extreme`: submitted numbers may be the largest or smallest a file may hold; `extreme_rules`:
    rule parameters and rounding places too.
    """
    ruleset = draw(ruleset_data(fit_places=fit_places, extreme=extreme_rules))
    ids = [d["id"] for d in ruleset["departments"]]
    chosen = draw(st.lists(st.sampled_from(ids), min_size=min(2, len(ids)), max_size=len(ids), unique=True))
    submissions: list[Data] = []
    for department in chosen:
        if submissions and draw(st.integers(0, 2)) == 0:
            twin = copy.deepcopy(draw(st.sampled_from(submissions)))
            twin["department"] = department
            if draw(st.booleans()):
                transfer_points(draw, ruleset, twin)
            submissions.append(twin)
        else:
            submissions.append(draw(submission_data(ruleset, department, extreme)))
    return ruleset, submissions


def transfer_points(draw: st.DrawFn, ruleset: Data, submission: Data) -> None:
    """Move assessed points from a criterion of one content to one of another: same total, other split.

    This makes totals tie while contents differ, so that tie-breakers have work to do.
    """
    assessed = [
        (content["id"], c)
        for content in ruleset["contents"]
        for c in content["criteria"]
        if c["rule"]["kind"] == "assessed"
    ]
    pairs = [(a, b) for ca, a in assessed for cb, b in assessed if ca != cb]
    if not pairs:
        return
    giver, taker = draw(st.sampled_from(pairs))
    given_points = submission["criteria"][giver["id"]]["points"]
    taken_points = submission["criteria"][taker["id"]]["points"]
    room = min(given_points, taker["rule"]["max"] - taken_points)
    if room <= 0:
        return
    moved = draw(decimals(0, room, 0 if room == room.to_integral_value() else 2))
    submission["criteria"][giver["id"]]["points"] = given_points - moved
    submission["criteria"][taker["id"]]["points"] = taken_points + moved


# --- from plain data to the engine's objects --------------------------------------------


def build_ruleset(data: Data) -> Ruleset:
    """The validated ruleset; generated rulesets must also pass the whole-ruleset checks."""
    ruleset = Ruleset.model_validate(data)
    problems = check_ruleset(ruleset, Document("rules.yaml", data))
    assert problems == [], problems
    return ruleset


def build_submission(ruleset: Ruleset, data: Data) -> Submission:
    """The submission as `parse_submission` makes it; generated submissions must be valid."""
    result = parse_submission(Document(f"{data['department']}.yaml", data), lambda _: ruleset)
    errors = [p for p in result.problems if p.is_error]  # a warning (W202 for percent 0.5) leaves it valid
    assert errors == [] and result.submission is not None, result.problems
    return result.submission


def build_year(ruleset_raw: Data, submissions_raw: list[Data]) -> tuple[Ruleset, list[Submission], list[str]]:
    ruleset = build_ruleset(ruleset_raw)
    submissions = [build_submission(ruleset, s) for s in submissions_raw]
    present = {s.department for s in submissions}
    missing = [d.id for d in ruleset.departments if d.id not in present]
    return ruleset, submissions, missing


def scale_step(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


# --- points: bounds and arithmetic ------------------------------------------------------


def assert_within_bounds(ruleset: Ruleset, card: ScoreCard) -> None:
    for c in card.criteria:
        assert ZERO <= c.points <= c.criterion.max_points, (c.criterion.id, c.points, c.criterion.max_points)
        assert ZERO <= c.bonus <= c.criterion.max_bonus, (c.criterion.id, c.bonus, c.criterion.max_bonus)
    for d in card.deductions:
        rule = ruleset.deduction(d.deduction_id)
        assert rule is not None and d.points >= ZERO
        if rule.cap is not None:
            assert d.points <= rule.cap, (d.deduction_id, d.points, rule.cap)


@FAST
@given(year_data(fit_places=True))
def test_points_bonus_and_deductions_stay_within_their_maxima(case: tuple[Data, list[Data]]) -> None:
    """With parameters on the rounding grid, every part lies in [0, max] and deductions under their caps."""
    ruleset, submissions, _ = build_year(*case)
    for submission in submissions:
        assert_within_bounds(ruleset, score(ruleset, submission))


# Minimal counterexample found by hypothesis: a parameter finer than the rounding places.
_COARSE_RULESET: Data = {
    "ruleset": "khoi-thu",
    "year": 2017,
    "version": "2017.1",
    "title": "t",
    "rounding": {"places": 0},
    "departments": [{"id": "u1", "name": "U"}],
    "deductions": [],
    "awards": [],
    "tie_breakers": [],
    "contents": [
        {
            "id": "1",
            "title": "c",
            "criteria": [
                {
                    "id": "c1-1",
                    "no": "1.1",
                    "title": "t",
                    "source": "s",
                    "rule": {"kind": "percent", "max": Decimal("0.50")},
                },
            ],
        }
    ],
}
_COARSE_SUBMISSION: Data = {"department": "u1", "year": 2017, "criteria": {"c1-1": {"percent": Decimal(100)}}}


@FAST
@given(year_data(fit_places=False))
@example((_COARSE_RULESET, [_COARSE_SUBMISSION]))
def test_points_stay_within_maxima_whatever_the_rounding_places(case: tuple[Data, list[Data]]) -> None:
    """A maximum finer than the rounding (max 0.5 at places 0) could be exceeded by a rounded score
    (1 > 0.5): check-rules refuses such a ruleset (E205), and any ruleset it accepts keeps every part
    within its maximum."""
    ruleset_raw, submissions_raw = case
    ruleset = Ruleset.model_validate(ruleset_raw)
    problems = check_ruleset(ruleset, Document("rules.yaml", ruleset_raw))
    if problems:
        assert {p.code for p in problems} == {"E205"} and all("rounding.places" in p.message for p in problems)
        return
    for submission in [build_submission(ruleset, s) for s in submissions_raw]:
        assert_within_bounds(ruleset, score(ruleset, submission))


@FAST
@given(year_data())
def test_points_stay_within_maxima_up_to_rounding(case: tuple[Data, list[Data]]) -> None:
    """Whatever the places, a part exceeds its maximum by at most half a unit of the last place per rounded part."""
    ruleset, submissions, _ = build_year(*case)
    half = scale_step(ruleset.rounding.places) / 2
    for submission in submissions:
        card = score(ruleset, submission)
        for c in card.criteria:
            parts = max(1, len(c.components))
            assert ZERO <= c.points <= c.criterion.max_points + parts * half
            assert ZERO <= c.bonus <= c.criterion.max_bonus + parts * half


@FAST
@given(year_data())
def test_total_is_base_plus_bonus_minus_deductions_never_below_zero(case: tuple[Data, list[Data]]) -> None:
    ruleset, submissions, _ = build_year(*case)
    step = scale_step(ruleset.rounding.places)
    for submission in submissions:
        card = score(ruleset, submission)
        assert card.total == max(ZERO, card.base + card.bonus - card.deducted)
        assert card.base == sum(card.contents.values(), ZERO) == sum((c.points for c in card.criteria), ZERO)
        assert card.bonus == sum((c.bonus for c in card.criteria), ZERO)
        assert card.deducted == sum((d.points for d in card.deductions), ZERO)
        assert list(card.contents) == [c.id for c in ruleset.contents]
        for content in ruleset.contents:
            ids = {c.id for c in content.criteria}
            assert card.contents[content.id] == sum((c.points for c in card.criteria if c.criterion.id in ids), ZERO)
        for c in card.criteria:  # every part is rounded to the ruleset's places
            assert c.points == round_points(c.points, ruleset.rounding.places)
            assert c.bonus % step == 0 and c.points % step == 0


# --- monotonicity of targets ------------------------------------------------------------


@FAST
@given(st.data())
def test_better_actual_never_lowers_points_bonus_or_total(data: st.DataObject) -> None:
    """Raising `actual` (higher is better) or lowering it (lower is better) never costs points."""
    raw = data.draw(ruleset_data(with_targets=True), label="ruleset")
    ruleset = build_ruleset(raw)
    department = ruleset.departments[0].id
    before_raw = data.draw(submission_data(raw, department), label="submission")
    criterion_id = data.draw(
        st.sampled_from([c["id"] for c in criteria_of(raw) if c["rule"]["kind"] == "targets"]), label="criterion"
    )
    components = before_raw["criteria"][criterion_id]["targets"]
    index = data.draw(st.integers(0, len(components) - 1), label="component")
    delta = data.draw(decimals(0, 500), label="delta")

    after_raw = copy.deepcopy(before_raw)
    component = after_raw["criteria"][criterion_id]["targets"][index]
    if component.get("direction") == "lower":
        component["actual"] = max(ZERO, component["actual"] - delta)
    else:
        component["actual"] += delta

    before = score(ruleset, build_submission(ruleset, before_raw))
    after = score(ruleset, build_submission(ruleset, after_raw))
    assert after.criterion(criterion_id).points >= before.criterion(criterion_id).points
    assert after.criterion(criterion_id).bonus >= before.criterion(criterion_id).bonus
    assert after.total >= before.total


# --- ranking ----------------------------------------------------------------------------


def ranking_rows(
    ruleset: Ruleset, cards: list[ScoreCard], missing: list[str]
) -> list[tuple[str, int, bool, str | None]]:
    return [(u.card.department, u.rank, u.tied, u.award) for u in rank(ruleset, cards, missing).units]


@FAST
@given(st.data())
def test_ranking_does_not_depend_on_the_order_of_the_cards(data: st.DataObject) -> None:
    ruleset, submissions, missing = build_year(*data.draw(year_data(), label="year"))
    cards = [score(ruleset, s) for s in submissions]
    shuffled = data.draw(st.permutations(cards), label="order")
    assert ranking_rows(ruleset, list(shuffled), missing) == ranking_rows(ruleset, cards, missing)
    assert rank(ruleset, list(shuffled), missing).missing == rank(ruleset, cards, missing).missing


@FAST
@given(year_data())
def test_ranks_are_competition_ranks(case: tuple[Data, list[Data]]) -> None:
    """1, 2, 2, 4: sorted, from 1; a rank shared by k units is followed by rank + k; ties share keys."""
    ruleset, submissions, missing = build_year(*case)
    ranking = rank(ruleset, [score(ruleset, s) for s in submissions], missing)
    ranks = [u.rank for u in ranking.units]
    assert ranks == sorted(ranks) and ranks[0] == 1
    assert len(ranking.units) == len(submissions)
    position = 0
    while position < len(ranks):
        shared = ranks.count(ranks[position])
        assert ranks[position] == position + 1
        assert all(u.tied == (shared > 1) for u in ranking.units[position : position + shared])
        position += shared
    totals = [u.card.total for u in ranking.units]
    assert totals == sorted(totals, reverse=True)
    for a, b in itertools.pairwise(ranking.units):
        if a.rank == b.rank:
            assert a.card.total == b.card.total
            for breaker in ruleset.tie_breakers:
                if breaker == "fewer_deductions":
                    assert a.card.deducted == b.card.deducted
                else:
                    content_id = breaker.partition(":")[2]
                    assert a.card.contents[content_id] == b.card.contents[content_id]


def eligible(ruleset: Ruleset, card: ScoreCard, award_id: str) -> bool:
    """An award's conditions, recomputed from the submission's own values."""
    award = next(a for a in ruleset.awards if a.id == award_id)
    maximum = card.own_max  # the unit's own maximum (SPEC 7.4): the ruleset's when every criterion applies
    # total / maximum >= min_share; with a maximum of 0 the share is null and min_share fails (SPEC 7.9)
    share_ok = award.min_share is None or (maximum > 0 and card.total >= award.min_share * maximum)
    submission = card.submission
    zero_ok = True
    for name in award.require_zero:
        value = submission.criteria.get(name)
        count = getattr(value, "count", None) if value is not None else submission.deductions.get(name, 0)
        zero_ok = zero_ok and not count
    return share_ok and zero_ok


# a ruleset whose only criterion is worth 0: each unit's own maximum is 0, so its share is null and
# min_share fails (SPEC 7.9); the expectation once read 0 >= 0.01 x 0 as eligible
_ZERO_MAX_RULESET: Data = {
    **_COARSE_RULESET,
    "awards": [{"id": "a1", "title": "A", "quota": 1, "min_share": Decimal("0.01"), "require_zero": []}],
    "contents": [
        {
            "id": "1",
            "title": "c",
            "criteria": [
                {"id": "c1-1", "no": "1.1", "title": "t", "source": "s", "rule": {"kind": "rating", "scale": {"a": 0}}}
            ],
        }
    ],
}
_ZERO_MAX_SUBMISSION: Data = {"department": "u1", "year": 2017, "criteria": {"c1-1": {"rating": "a"}}}


@FAST
@given(year_data())
@example((_ZERO_MAX_RULESET, [_ZERO_MAX_SUBMISSION]))
def test_awards_respect_quota_conditions_and_one_award_per_unit(case: tuple[Data, list[Data]]) -> None:
    ruleset, submissions, missing = build_year(*case)
    ranking = rank(ruleset, [score(ruleset, s) for s in submissions], missing)
    granted = [(c.award_id, c.department) for c in ranking.awards if c.proposed]
    departments = [d for _, d in granted]
    assert len(departments) == len(set(departments)), "a unit received two awards"
    by_unit = {u.card.department: u for u in ranking.units}
    for award in ruleset.awards:
        winners = [d for a, d in granted if a == award.id]
        assert len(winners) <= award.quota
        for department in winners:
            assert eligible(ruleset, by_unit[department].card, award.id)
            assert by_unit[department].award == award.id
    # Greedy in rank order: each award goes to the best eligible units not already awarded.
    taken: set[str] = set()
    for award in ruleset.awards:
        expected = []
        for unit in ranking.units:
            if (
                len(expected) < award.quota
                and unit.card.department not in taken
                and eligible(ruleset, unit.card, award.id)
            ):
                expected.append(unit.card.department)
        assert [d for a, d in granted if a == award.id] == expected
        taken.update(expected)
    assert {u.card.department for u in ranking.units if u.award} == set(departments)


# --- output is deterministic ------------------------------------------------------------


def fresh_evaluation(case: tuple[Data, list[Data]]) -> Evaluation:
    ruleset, submissions, missing = build_year(*case)
    return evaluate(ruleset, submissions, missing)


def rendered(evaluation: Evaluation) -> dict[str, str]:
    console = Console(file=io.StringIO(), width=100)
    for part in render_score.as_table(evaluation):
        console.print(part)
    return {
        "json": render_score.as_json(evaluation, "0" * 64),
        "csv": render_score.as_csv(evaluation),
        "markdown": render_score.as_markdown(evaluation),
        "table": console.file.getvalue(),  # type: ignore[attr-defined]
    }


@FAST
@given(year_data())
def test_same_inputs_give_byte_identical_output_in_every_format(case: tuple[Data, list[Data]]) -> None:
    first, second = rendered(fresh_evaluation(case)), rendered(fresh_evaluation(case))
    for fmt in first:
        assert first[fmt].encode("utf-8") == second[fmt].encode("utf-8"), fmt
    record = json.loads(first["json"])
    evaluation = fresh_evaluation(case)
    places = evaluation.ruleset.rounding.places
    assert [(u["department"], u["total"]) for u in record["ranking"]] == [
        (u.card.department, number(u.card.total, places)) for u in evaluation.ranking.units
    ]


# --- validation never raises ------------------------------------------------------------

_SHIPPED = load_ruleset(REPO / "rules" / "2017.yaml")
assert _SHIPPED.ruleset is not None, _SHIPPED.problems
SHIPPED_2017: Ruleset = _SHIPPED.ruleset


def validate_everything(loaded: Loaded) -> None:
    """Validate a loaded document as a submission, a review and a ruleset; score what validates."""
    document = loaded.document
    if document is None:
        assert loaded.problems, "a document that failed to load must say why"
        return
    result = parse_submission(document, ruleset_for=lambda _year: SHIPPED_2017)
    if result.submission is not None:
        score(SHIPPED_2017, result.submission)
    else:
        assert result.problems
    parse_review(document, lambda _year: SHIPPED_2017, None, lambda _year: None, lambda _id: [])
    ruleset, _problems = validate(Ruleset, document.data, document)
    if ruleset is not None:
        check_ruleset(ruleset, document)


@FAST
@given(st.text())
@example("\u00e9\x01")  # once an IndexError: the reader's byte offset used as a character index
@example("a: 1e-99999999999999\n")  # once a MemoryError: the number written out in full in a message
def test_arbitrary_text_never_raises(text: str) -> None:
    validate_everything(load_text(text, "fuzz.yaml"))


@FAST
@given(st.binary())
@example("note: \u00e9\x01".encode("utf-8"))
def test_arbitrary_bytes_never_raise(raw: bytes) -> None:
    validate_everything(load_bytes(raw, "fuzz.yaml"))


@FAST
@given(
    st.text(
        st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\ufffe\uffff"), max_size=30
    ),
    st.sampled_from(["\x00", "\x01", "\x08", "\x1f", "\x7f", "\x9f", "\ufffe"]),
    st.text(max_size=10),
)
def test_a_control_character_is_reported_where_it_stands(before: str, control: str, after: str) -> None:
    """The refused character's line, column (in characters) and code point, whatever text precedes it."""
    loaded = load_text(before + control + after, "fuzz.yaml")
    assert loaded.document is None
    [problem] = loaded.problems
    assert (problem.code, problem.line, problem.column) == ("E102", 1, len(before) + 1)
    assert f"U+{ord(control):04X}" in problem.message


SUBMISSION_KEYS = (
    "department",
    "year",
    "criteria",
    "deductions",
    "self_score",
    "evidence",
    "note",
    "targets",
    "name",
    "unit",
    "direction",
    "target",
    "actual",
    "rating",
    "percent",
    "items",
    "count",
    "points",
    "chi-tieu-chuyen-mon",
    "cai-cach-hanh-chinh",
    "nhiem-vu-ubnd-giao",
    "ung-dung-cntt",
    "to-chuc-doan-the",
    "che-do-bao-cao",
    "chap-hanh-chu-truong",
    "nong-thon-moi",
    "phe-binh",
    "chi-doan",
    "van-hoa",
    "reviewed_by",
    "adjustments",
    "criterion",
    "value",
    "reason",
    "deduction",
    "kind",
    "rule",
    "contents",
    "scale",
    "bonus",
    "1",
    "Tốt",
    "? x",
)
SCALARS = (
    "2017",
    "2016",
    "so-tai-chinh",
    "so-xay-dung",
    "1.000",
    "12,5",
    ".nan",
    "-.inf",
    "-1",
    "0",
    "1e3",
    "1_000",
    "yes",
    "no",
    "~",
    "null",
    "true",
    "false",
    "not_applicable",
    "tot",
    "Tốt",
    "xuat-sac",
    "lower",
    "higher",
    "''",
    '""',
    "[]",
    "{}",
    "100",
    "101",
    "96.5",
    "'1620'",
    "9" * 40,
    "&a 5",
    "*a",
    "!!python/object:os.system",
    "!!str 5",
    "|",
    ">-",
    "n/a",
    "1.5.2",
    "0x1F",
    "2017-12-28",
    '"a: b"',
    "a: b",
    "- x",
    "[1, 2",
    "{a: 1",
    "9" * 60,
    "1e99999999999999",
    "1e-99999999999999",
    "0.00000000001",
    "999999999999999.9999999999",
)


@st.composite
def yaml_lines(draw: st.DrawFn, depth: int = 0) -> list[str]:
    """Block YAML built from submission-like keys and troublesome scalars, nested up to 4 levels."""
    lines: list[str] = []
    indent = "  " * depth
    for _ in range(draw(st.integers(1, 4))):
        key = draw(st.sampled_from(SUBMISSION_KEYS))
        form = draw(st.sampled_from(["scalar", "scalar", "map", "list", "flow"] if depth < 4 else ["scalar"]))
        if form == "scalar":
            lines.append(f"{indent}{key}: {draw(st.sampled_from(SCALARS))}")
        elif form == "map":
            lines.append(f"{indent}{key}:")
            lines += draw(yaml_lines(depth + 1))
        elif form == "list":
            lines.append(f"{indent}{key}:")
            for item in draw(st.lists(yaml_lines(depth + 2), min_size=1, max_size=3)):
                lines.append(f"{indent}  - {item[0].lstrip()}")
                lines += item[1:]
        else:
            pairs = draw(st.lists(st.tuples(st.sampled_from(SUBMISSION_KEYS), st.sampled_from(SCALARS)), max_size=4))
            lines.append(f"{indent}{key}: {{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}")
    return lines


TOKENS = (
    "&a ",
    "*a",
    "!!python/object ",
    ": ",
    "- ",
    "\t",
    "[",
    "{",
    "]",
    "}",
    "#",
    "'",
    '"',
    "\n",
    "\r\n",
    "\x00",
    "\ufeff",
    "x" * 500,
    "1.000",
    "12,5",
    ".nan",
    "---\n",
    "...",
    "%YAML 1.1\n",
    "e\u0301",
    "? ",
)


@st.composite
def yamlish_text(draw: st.DrawFn) -> str:
    """Grammar-built YAML with random line and character mutations."""
    lines = draw(yaml_lines())
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "indent"]))
        i = draw(st.integers(0, len(lines) - 1)) if lines else 0
        if not lines:
            lines.append(draw(st.sampled_from(TOKENS)))
        elif op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.sampled_from(TOKENS)) + lines[i][at:]
        else:
            lines[i] = draw(st.sampled_from(["", " ", "   ", "\t"])) + lines[i]
    return "\n".join(lines) + draw(st.sampled_from(["", "\n"]))


@FAST
@given(yamlish_text())
def test_yamlish_text_never_raises(text: str) -> None:
    validate_everything(load_text(text, "fuzz.yaml"))
    validate_everything(load_bytes(text.encode("utf-8"), "fuzz.yaml"))


@FAST
@given(yamlish_text(), st.sampled_from(["utf-8-sig", "cp1258", "utf-16"]), st.booleans())
def test_yamlish_bytes_in_other_encodings_never_raise(text: str, encoding: str, crlf: bool) -> None:
    if crlf:
        text = text.replace("\n", "\r\n")
    validate_everything(load_bytes(text.encode(encoding, errors="replace"), "fuzz.yaml"))


# --- end to end: the CLI on a workspace written to disk ---------------------------------


def yaml_scalar(value: Any) -> str:
    """A scalar as plain YAML: numbers as written (never floats), text double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def to_yaml(value: Any, indent: int = 0) -> list[str]:
    """Block-style YAML lines for plain dicts, lists and scalars (a small, sufficient writer)."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        if not value:
            return [pad + "{}"]
        for key, item in value.items():
            head = f"{pad}{json.dumps(str(key), ensure_ascii=False)}:"
            if isinstance(item, (dict, list)) and item:
                lines.append(head)
                lines += to_yaml(item, indent + 2)
            else:
                empty = "{}" if isinstance(item, dict) else "[]"
                lines.append(f"{head} {yaml_scalar(item) if not isinstance(item, (dict, list)) else empty}")
        return lines
    if isinstance(value, list):
        for item in value:
            inner = to_yaml(item, indent + 2) if isinstance(item, (dict, list)) else [pad + "  " + yaml_scalar(item)]
            lines.append(f"{pad}- {inner[0].lstrip()}")
            lines += inner[1:]
        return lines
    return [pad + yaml_scalar(value)]


def write_workspace(root: Path, ruleset: Data, submissions: list[Data]) -> None:
    year = ruleset["year"]
    (root / "rules").mkdir(parents=True)
    (root / "rules" / f"{year}.yaml").write_text("\n".join(to_yaml(ruleset)) + "\n", encoding="utf-8")
    folder = root / "submissions" / str(year)
    folder.mkdir(parents=True)
    for submission in submissions:
        (folder / f"{submission['department']}.yaml").write_text(
            "\n".join(to_yaml(submission)) + "\n", encoding="utf-8"
        )


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(year_data())
def test_cli_score_json_agrees_with_the_engine(case: tuple[Data, list[Data]]) -> None:
    ruleset_raw, submissions_raw = case
    evaluation = fresh_evaluation(case)
    places = evaluation.ruleset.rounding.places
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_workspace(root, ruleset_raw, submissions_raw)
        result = CliRunner().invoke(
            app, ["score", str(ruleset_raw["year"]), "--format", "json", "--root", str(root)], catch_exceptions=False
        )
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    expected = [(u.card.department, u.rank, number(u.card.total, places), u.award) for u in evaluation.ranking.units]
    assert [(u["department"], u["rank"], u["total"], u["award"]) for u in record["ranking"]] == expected
    assert record["missing"] == list(evaluation.ranking.missing)
    assert record["max_points"] == number(evaluation.ruleset.max_points, places)


@FAST
@given(year_data(extreme=True))
def test_numbers_at_the_limits_of_a_file_score_and_render_without_error(case: tuple[Data, list[Data]]) -> None:
    """Values as large or as fine as a file may hold (read from YAML text) validate, score, rank and render."""
    ruleset_raw, submissions_raw = case
    ruleset = build_ruleset(ruleset_raw)
    submissions = []
    for raw in submissions_raw:
        loaded = load_text("\n".join(to_yaml(raw)) + "\n", f"{raw['department']}.yaml")
        assert loaded.document is not None, loaded.problems
        result = parse_submission(loaded.document, lambda _year: ruleset)
        assert result.submission is not None and not [p for p in result.problems if p.is_error], result.problems
        submissions.append(result.submission)
    evaluation = evaluate(ruleset, submissions)
    for unit in evaluation.ranking.units:
        card = unit.card
        assert card.total == max(ZERO, card.base + card.bonus - card.deducted)
        assert (
            ZERO
            <= card.base
            <= ruleset.max_points + sum(1 for _ in ruleset.criteria()) * 5 * scale_step(ruleset.rounding.places)
        )
    rendered(evaluation)


def limits_case(
    places: int, rule: Data, value: Data, deductions: list[Data] | None = None, counts: Data | None = None
) -> tuple[Data, list[Data]]:
    """A one-criterion year (a hand-written counterexample) in the form `year_data` draws."""
    ruleset: Data = {
        "ruleset": "khoi-thu",
        "year": 2017,
        "version": "2017.1",
        "title": "t",
        "rounding": {"places": places},
        "departments": [{"id": "u1", "name": "U"}],
        "deductions": deductions or [],
        "awards": [],
        "tie_breakers": [],
        "contents": [
            {
                "id": "1",
                "title": "c",
                "criteria": [{"id": "c1-1", "no": "1.1", "title": "t", "source": "s", "rule": rule}],
            }
        ],
    }
    submission: Data = {"department": "u1", "year": 2017, "criteria": {"c1-1": value}, "deductions": counts or {}}
    return ruleset, [submission]


def evaluation_from_yaml(case: tuple[Data, list[Data]]) -> Evaluation:
    """Ruleset and submissions written as YAML text and read back, so the file limits apply; all must be valid."""
    ruleset_raw, submissions_raw = case
    loaded = load_text("\n".join(to_yaml(ruleset_raw)) + "\n", "rules.yaml")
    assert loaded.document is not None, loaded.problems
    ruleset, problems = validate(Ruleset, loaded.document.data, loaded.document)
    assert ruleset is not None and not problems + check_ruleset(ruleset, loaded.document), problems
    submissions = []
    for raw in submissions_raw:
        document = load_text("\n".join(to_yaml(raw)) + "\n", f"{raw['department']}.yaml").document
        assert document is not None
        result = parse_submission(document, lambda _year: ruleset)
        assert result.submission is not None and not [p for p in result.problems if p.is_error], result.problems
        submissions.append(result.submission)
    return evaluate(ruleset, submissions)


_HIGHER_AT_THE_LIMITS: Data = {"targets": [{"name": "x", "target": TINY, "actual": Decimal(LARGEST_WHOLE)}]}


@FAST
@given(year_data(extreme=True))
@example(
    limits_case(
        2,
        {"kind": "targets", "count": 1, "points_each": 70, "bonus_per_percent": Decimal("0.7"), "bonus_cap_each": 7},
        _HIGHER_AT_THE_LIMITS,
    )
)
def test_explanations_render_at_the_limits_of_a_file(case: tuple[Data, list[Data]]) -> None:
    evaluation = evaluation_from_yaml(case)
    for unit in evaluation.ranking.units:
        render_explain.as_json(evaluation, unit)
        Console(file=io.StringIO(), width=100).print(render_explain.as_tree(evaluation, unit))


@FAST
@given(year_data(extreme=True, extreme_rules=True))
@example(
    limits_case(
        10,
        {"kind": "targets", "count": 1, "points_each": 1, "bonus_per_percent": Decimal(10**14), "bonus_cap_each": 1},
        _HIGHER_AT_THE_LIMITS,
    )
)
@example(
    limits_case(
        2,
        {"kind": "assessed", "max": 10},
        {"points": 5},
        [{"id": "d1", "title": "d", "per": Decimal(LARGEST_WHOLE), "source": "s"}],
        {"d1": LARGEST_WHOLE},
    )
)
def test_rule_parameters_at_the_limits_score_and_render(case: tuple[Data, list[Data]]) -> None:
    evaluation = evaluation_from_yaml(case)
    for unit in evaluation.ranking.units:
        assert unit.card.total == max(ZERO, unit.card.base + unit.card.bonus - unit.card.deducted)
    rendered(evaluation)


def test_yaml_writer_round_trips_through_the_loader() -> None:
    """The test's own YAML writer gives back the data, with Decimals exact (a sanity check)."""
    data: Data = {
        "a": Decimal("1.50"),
        "b": [{"x": True, "y": "not_applicable"}, {"z": []}],
        "1": {"k": 0},
        "t": "Tốt: a",
    }
    loaded = load_text("\n".join(to_yaml(data)) + "\n", "w.yaml")
    assert loaded.problems == [] and loaded.document is not None
    assert loaded.document.data == {
        "a": Decimal("1.50"),
        "b": [{"x": True, "y": "not_applicable"}, {"z": []}],
        "1": {"k": 0},
        "t": "Tốt: a",
    }


# --- relative (SPEC 7.1): points against the best of the units ranked together ----------------

_VALUES = st.lists(
    st.integers(0, 10**6).map(lambda n: Decimal(n).scaleb(-2)), min_size=1, max_size=6
)  # values with 2 decimals, 0 included


def _relative_year(maximum: Decimal, direction: str, values: list[Decimal]) -> tuple[Ruleset, list[Submission]]:
    from emulate.kinds.relative import RelativeValue

    ids = [f"u{n}" for n in range(len(values))]
    ruleset = Ruleset.model_validate(
        {
            "ruleset": "r",
            "year": 2024,
            "version": "1",
            "title": "r",
            "departments": [{"id": i, "name": i} for i in ids],
            "contents": [
                {
                    "id": "1",
                    "title": "c",
                    "criteria": [
                        {
                            "id": "v",
                            "no": "1.1",
                            "title": "v",
                            "source": "s",
                            "rule": {"kind": "relative", "max": maximum, "direction": direction},
                        }
                    ],
                }
            ],
        }
    )
    return ruleset, [Submission(i, 2024, {"v": RelativeValue(value=v)}, {}) for i, v in zip(ids, values, strict=True)]


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 5000).map(lambda n: Decimal(n).scaleb(-2)),
    st.sampled_from(["higher", "lower"]),
    _VALUES,
    st.data(),
)
def test_relative_points_lie_in_0_max_the_best_gets_max_and_a_better_value_never_scores_less(
    maximum: Decimal, direction: str, values: list[Decimal], data: st.DataObject
) -> None:
    from emulate.engine import score_together

    ruleset, submissions = _relative_year(maximum, direction, values)
    cards = score_together(ruleset, submissions)
    best = max(values) if direction == "higher" else min(values)
    for value, card in zip(values, cards, strict=True):
        points = card.criterion("v").points
        assert 0 <= points <= maximum
        if value == best and (direction == "lower" or best > 0):
            assert points == maximum
    # one unit's value made better (higher for higher, lower for lower): its points never fall
    k = data.draw(st.integers(0, len(values) - 1))
    by = data.draw(st.integers(0, 10**5).map(lambda n: Decimal(n).scaleb(-2)))
    better = list(values)
    better[k] = values[k] + by if direction == "higher" else max(Decimal(0), values[k] - by)
    _, changed = _relative_year(maximum, direction, better)
    assert score_together(ruleset, changed)[k].criterion("v").points >= cards[k].criterion("v").points
