"""The scoring engine: pure functions from rules and values to points and ranks.

`score(ruleset, submission) -> ScoreCard` applies SPEC section 3.1 to one
unit; `rank(ruleset, cards, missing) -> Ranking` orders units, shares ranks
and proposes awards. No I/O, no printing, no global state: all arithmetic is
`decimal.Decimal` in a local context, and each part is rounded half up to the
ruleset's places before it is summed. A ScoreCard keeps every input and
intermediate (performance, what a cap cut off), so that explanations and every
output format read the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING

from .arithmetic import CONTEXT, ZERO, round_points
from .ruleset import Criterion, Ruleset
from .submission import CriterionValue, Submission

if TYPE_CHECKING:
    from .kinds.targets import ComponentScore


@dataclass(frozen=True, slots=True)
class CriterionScore:
    criterion: Criterion
    content_id: str
    value: CriterionValue | None  # None: no value given (scored 0)
    points: Decimal
    bonus: Decimal
    lost_to_cap: Decimal = ZERO  # points (or bonus) a cap or floor cut off
    components: tuple[ComponentScore, ...] = ()
    items: tuple[tuple[str, object, Decimal], ...] = ()  # checklist: (item id, state, points)
    claimed: Decimal | None = None  # the unit's self_score, if given

    @property
    def total(self) -> Decimal:
        return self.points + self.bonus

    @property
    def claim_differs(self) -> bool:
        return self.claimed is not None and self.claimed != self.total


@dataclass(frozen=True, slots=True)
class DeductionScore:
    deduction_id: str
    count: int
    points: Decimal
    lost_to_cap: Decimal


@dataclass(frozen=True, slots=True)
class ScoreCard:
    """All the points of one unit in one year."""

    department: str
    name: str
    criteria: tuple[CriterionScore, ...]
    deductions: tuple[DeductionScore, ...]
    contents: dict[str, Decimal]
    base: Decimal
    bonus: Decimal
    deducted: Decimal
    total: Decimal
    share: Decimal  # total / base maximum, unrounded
    submission: Submission

    def criterion(self, criterion_id: str) -> CriterionScore:
        return next(c for c in self.criteria if c.criterion.id == criterion_id)

    def count_of(self, name: str) -> int:
        """The submitted count of a counted criterion or a deduction (for `require_zero`)."""
        for c in self.criteria:
            if c.criterion.id == name and c.criterion.rule.counted and c.value is not None:
                return c.criterion.rule.count_of(c.value)
        return next((d.count for d in self.deductions if d.deduction_id == name), 0)

    @property
    def claimed_differences(self) -> tuple[CriterionScore, ...]:
        return tuple(c for c in self.criteria if c.claim_differs)


def score(ruleset: Ruleset, submission: Submission) -> ScoreCard:
    """Score one valid submission under `ruleset`."""
    with localcontext(CONTEXT):
        places = ruleset.rounding.places
        department = ruleset.department(submission.department)
        criteria = tuple(
            _score_criterion(
                criterion,
                content.id,
                submission.criteria.get(criterion.id),
                places,
                submission.self_score.get(criterion.id),
            )
            for content, criterion in ruleset.criteria()
        )
        deductions = tuple(
            _score_deduction(d.id, d.per, d.cap, submission.deductions.get(d.id, 0), places) for d in ruleset.deductions
        )
        contents = {
            content.id: sum((c.points for c in criteria if c.content_id == content.id), ZERO)
            for content in ruleset.contents
        }
        base = sum((c.points for c in criteria), ZERO)
        bonus = sum((c.bonus for c in criteria), ZERO)
        deducted = sum((d.points for d in deductions), ZERO)
        total = max(ZERO, base + bonus - deducted)
        maximum = ruleset.max_points
        share = total / maximum if maximum else ZERO
    return ScoreCard(
        department=submission.department,
        name=department.name if department else submission.department,
        criteria=criteria,
        deductions=deductions,
        contents=contents,
        base=base,
        bonus=bonus,
        deducted=deducted,
        total=total,
        share=share,
        submission=submission,
    )


def _score_criterion(
    criterion: Criterion, content_id: str, value: CriterionValue | None, places: int, claimed: Decimal | None
) -> CriterionScore:
    """One criterion's points, by its rule; a value that is absent (only when re-scoring under another
    year's rules) scores 0."""
    if value is None:
        return CriterionScore(criterion, content_id, None, ZERO, ZERO, claimed=claimed)
    if not isinstance(value, criterion.rule.VALUE):
        raise TypeError(f"criterion {criterion.id}: a {criterion.kind} rule cannot score {type(value).__name__}")
    scored = criterion.rule.score(value, places)
    return CriterionScore(
        criterion,
        content_id,
        value,
        scored.points,
        scored.bonus,
        scored.lost_to_cap,
        components=scored.components,
        items=scored.items,
        claimed=claimed,
    )


def _score_deduction(deduction_id: str, per: Decimal, cap: Decimal | None, count: int, places: int) -> DeductionScore:
    raw = per * count
    points = raw if cap is None else min(cap, raw)
    return DeductionScore(deduction_id, count, round_points(points, places), round_points(raw - points, places))


# --- ranking and awards ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AwardCheck:
    """Whether one unit may receive one award, and whether it is proposed."""

    award_id: str
    department: str
    share: Decimal
    min_share: Decimal
    nonzero: tuple[tuple[str, int], ...]  # require_zero counts that are not zero
    granted: bool
    already: str | None = None  # the award it already received
    quota_full: bool = False
    meets_share: bool = True  # total >= min_share x maximum, decided exactly (share itself may be rounded)


@dataclass(frozen=True, slots=True)
class RankedUnit:
    rank: int
    tied: bool
    card: ScoreCard
    award: str | None
    decided_by: str | None  # the tie-breaker that set it apart from a unit of equal total


@dataclass(frozen=True, slots=True)
class Ranking:
    year: int
    units: tuple[RankedUnit, ...]
    missing: tuple[str, ...]
    awards: tuple[AwardCheck, ...] = field(default=())

    def unit(self, department: str) -> RankedUnit | None:
        return next((u for u in self.units if u.card.department == department), None)

    def quota_ties(self) -> tuple[QuotaTie, ...]:
        """Where units of one rank fell on both sides of an award's quota.

        The proposal must still name units, so it takes them in department-id
        order; the regulation leaves such a tie to the bloc's secret ballot,
        and the outputs say so.
        """
        rank_of = {u.card.department: u.rank for u in self.units}
        ties = []
        for award_id in dict.fromkeys(a.award_id for a in self.awards):
            checks = [a for a in self.awards if a.award_id == award_id]
            for rank_ in sorted({rank_of[a.department] for a in checks if a.quota_full}):
                granted = tuple(a.department for a in checks if a.granted and rank_of[a.department] == rank_)
                if granted:
                    passed = tuple(a.department for a in checks if a.quota_full and rank_of[a.department] == rank_)
                    ties.append(QuotaTie(award_id, rank_, granted, passed))
        return tuple(ties)


@dataclass(frozen=True, slots=True)
class QuotaTie:
    """Units of equal rank, some proposed for an award and some not, for want of places."""

    award_id: str
    rank: int
    proposed: tuple[str, ...]
    passed_over: tuple[str, ...]


def _breaker_value(card: ScoreCard, breaker: str) -> Decimal:
    """Larger is better for every tie-breaker."""
    kind, _, target = breaker.partition(":")
    if breaker == "fewer_deductions":
        return -card.deducted
    if kind == "content":
        return card.contents.get(target, ZERO)
    if kind == "criterion":
        return card.criterion(target).total
    raise ValueError(f"unknown tie-breaker {breaker!r}")


def rank(ruleset: Ruleset, cards: Iterable[ScoreCard], missing: Sequence[str] = ()) -> Ranking:
    """Order units by total, then the ruleset's tie-breakers; equal units share a rank."""
    breakers = list(ruleset.tie_breakers)

    def key(card: ScoreCard) -> tuple[Decimal, ...]:
        return (card.total, *(_breaker_value(card, b) for b in breakers))

    ordered = sorted(cards, key=lambda c: (tuple(-k for k in key(c)), c.department))
    keys = [key(c) for c in ordered]
    ranks: list[int] = []
    for i, k in enumerate(keys):
        ranks.append(ranks[i - 1] if i and keys[i - 1] == k else i + 1)
    awards = _propose_awards(ruleset, ordered)
    granted = {a.department: a.award_id for a in awards if a.granted}
    units = []
    for i, card in enumerate(ordered):
        tied = ranks.count(ranks[i]) > 1
        units.append(RankedUnit(ranks[i], tied, card, granted.get(card.department), _decided_by(i, keys, breakers)))
    order = {d.id: n for n, d in enumerate(ruleset.departments)}
    return Ranking(ruleset.year, tuple(units), tuple(sorted(missing, key=lambda d: order.get(d, len(order)))), awards)


def _decided_by(i: int, keys: list[tuple[Decimal, ...]], breakers: list[str]) -> str | None:
    """The first tie-breaker that separates unit i from a neighbour with the same total."""
    for j in (i - 1, i + 1):
        if 0 <= j < len(keys) and keys[j][0] == keys[i][0] and keys[j] != keys[i]:
            for n, breaker in enumerate(breakers, start=1):
                if keys[j][n] != keys[i][n]:
                    return breaker
    return None


def _propose_awards(ruleset: Ruleset, ordered: list[ScoreCard]) -> tuple[AwardCheck, ...]:
    checks: list[AwardCheck] = []
    awarded: dict[str, str] = {}
    maximum = ruleset.max_points
    for award in ruleset.awards:
        given = 0
        for card in ordered:
            share = card.total / maximum if maximum else ZERO
            nonzero = tuple((name, card.count_of(name)) for name in award.require_zero if card.count_of(name))
            # compared as total >= min_share x maximum: exact, where total / maximum may be rounded
            meets_share = card.total >= award.min_share * maximum
            eligible = meets_share and not nonzero
            already = awarded.get(card.department)
            granted = eligible and already is None and given < award.quota
            if granted:
                given += 1
                awarded[card.department] = award.id
            checks.append(
                AwardCheck(
                    award.id,
                    card.department,
                    share,
                    award.min_share,
                    nonzero,
                    granted,
                    already,
                    eligible and already is None and not granted,
                    meets_share,
                )
            )
    return tuple(checks)
