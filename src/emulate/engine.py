"""The scoring engine: pure functions from rules and values to points and ranks.

`score(ruleset, submission, bests) -> ScoreCard` applies SPEC section 3.1 to one
unit; `bests(ruleset, submissions)` finds, for the `relative` criteria whose
points depend on the other units (SPEC 7.1), the best value among the units
ranked together, and `score_together` scores every unit with them;
`rank(ruleset, cards, missing) -> Ranking` orders units, shares ranks and
proposes awards. No I/O, no printing, no global state: all arithmetic is
`decimal.Decimal` in a local context, and each part is rounded half up to the
ruleset's places before it is summed. A ScoreCard keeps every input and
intermediate (performance, what a cap cut off), so that explanations and every
output format read the same numbers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING

from .arithmetic import CONTEXT, ZERO, round_points
from .expressions import DivisionByZero, Env, Expression, Result, evaluate
from .kinds import Best, NotApplicable
from .kinds import NoBest as NoBest  # re-exported: `emulate.NoBest`
from .ruleset import Conditions, Criterion, Ruleset
from .submission import CriterionValue, Submission

if TYPE_CHECKING:
    from .kinds.targets import ComponentScore


@dataclass(frozen=True, slots=True)
class CriterionScore:
    criterion: Criterion
    content_id: str
    value: CriterionValue | None  # None: no value given (scored 0), or the criterion does not apply
    points: Decimal
    bonus: Decimal
    lost_to_cap: Decimal = ZERO  # points (or bonus) a cap or floor cut off
    components: tuple[ComponentScore, ...] = ()
    items: tuple[tuple[str, object, Decimal], ...] = ()  # checklist: (item id, state, points)
    claimed: Decimal | None = None  # the unit's self_score, if given
    applies: bool = True  # False: `applies_to`/`except` leave the unit out (SPEC 7.4)
    best: Best | None = None  # a compared (relative) criterion: the best among the units ranked together
    declared: Decimal | None = None  # what the self-declared value scores, when the review changed it

    @property
    def total(self) -> Decimal:
        return self.points + self.bonus

    @property
    def computed(self) -> Decimal:
        """What the unit's own value scores: the self_score claim is compared with it, not with the review's."""
        return self.declared if self.declared is not None else self.total

    @property
    def claim_differs(self) -> bool:
        return self.claimed is not None and self.claimed != self.computed

    @property
    def not_applicable(self) -> bool:
        """Declared not applicable by the unit (`{not_applicable: true, reason}`)."""
        return isinstance(self.value, NotApplicable)

    @property
    def counted_in_max(self) -> bool:
        """Whether its maximum is part of the unit's own maximum."""
        return self.applies and not self.not_applicable and self.criterion.is_base


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
    contents: dict[str, Decimal]  # base points per content
    base: Decimal
    bonus: Decimal  # the rules' bonus and the bonus criteria's points
    deducted: Decimal  # the deductions list's and the deduction criteria's points
    total: Decimal
    share: Decimal  # total / own maximum, unrounded (0 when the own maximum is 0)
    submission: Submission
    own_max: Decimal = ZERO  # the maximum of its applicable base criteria (SPEC 7.4)
    floored: Decimal = ZERO  # what the floor at 0 added to a negative total
    group: str | None = None

    def criterion(self, criterion_id: str) -> CriterionScore:
        return next(c for c in self.criteria if c.criterion.id == criterion_id)

    def count_of(self, name: str) -> int:
        """The submitted count of a counted criterion or a deduction (for `require_zero`)."""
        for c in self.criteria:
            if c.criterion.id == name and c.criterion.rule.counted and c.value is not None and not c.not_applicable:
                return c.criterion.rule.count_of(c.value)
        return next((d.count for d in self.deductions if d.deduction_id == name), 0)

    @property
    def claimed_differences(self) -> tuple[CriterionScore, ...]:
        return tuple(c for c in self.criteria if c.claim_differs)

    @property
    def has_share(self) -> bool:
        """Whether the share means something (an own maximum above 0)."""
        return self.own_max > 0

    def meets_share(self, minimum: Decimal) -> bool:
        """total >= minimum x own maximum, decided exactly (the share itself may be rounded)."""
        return self.has_share and self.total >= minimum * self.own_max

    @property
    def lowest_criterion_share(self) -> Decimal | None:
        """The smallest points / maximum among its applicable base criteria (SPEC 7.2), None if none."""
        shares = [
            c.points / c.criterion.max_points for c in self.criteria if c.counted_in_max and c.criterion.max_points
        ]
        return min(shares) if shares else None


@dataclass(frozen=True, slots=True)
class Bests:
    """The best value of each compared (`relative`) criterion among the units ranked together.

    Keyed by (group id, or None when the ruleset has no groups; criterion id).
    A criterion that no unit of a group gave a value for has no best there.
    """

    found: dict[tuple[str | None, str], Best] = field(default_factory=dict)

    def get(self, group: str | None, criterion_id: str) -> Best | None:
        return self.found.get((group, criterion_id))


def bests(ruleset: Ruleset, submissions: Iterable[Submission]) -> Bests:
    """The best value and the unit(s) holding it, per group and compared criterion (SPEC 7.1, 7.6).

    Units that give no value for the criterion (it does not apply to them, or they
    declared it not applicable) take no part. The holders are in the ruleset's order
    of departments.
    """
    compared = [criterion for _content, criterion in ruleset.criteria() if criterion.rule.compared]
    found: dict[tuple[str | None, str], Best] = {}
    if not compared:
        return Bests(found)
    order = {d.id: n for n, d in enumerate(ruleset.departments)}
    for submission in sorted(submissions, key=lambda s: (order.get(s.department, len(order)), s.department)):
        group = ruleset.group_of(submission.department)
        for criterion in compared:
            value = submission.criteria.get(criterion.id)
            if not isinstance(value, criterion.rule.VALUE) or not ruleset.applies(criterion, submission.department):
                continue
            measure = criterion.rule.compared_value(value)
            key = (group, criterion.id)
            held = found.get(key)
            if held is None or criterion.rule.better(measure, held.value):
                found[key] = Best(measure, (submission.department,))
            elif measure == held.value:
                found[key] = Best(held.value, (*held.holders, submission.department))
    return Bests(found)


def score_together(ruleset: Ruleset, submissions: Sequence[Submission]) -> list[ScoreCard]:
    """Score every unit, with the bests of the compared criteria taken among them; in the order given."""
    found = bests(ruleset, submissions)
    return [score(ruleset, submission, found) for submission in submissions]


def score(ruleset: Ruleset, submission: Submission, bests: Bests | None = None) -> ScoreCard:
    """Score one valid submission under `ruleset`.

    A ruleset with a `relative` criterion needs `bests` (the best values among the
    units ranked together, `bests(ruleset, submissions)`); without them it raises
    `NoBest`, never a silent 0.
    """
    if bests is None and not ruleset.scores_alone:
        raise NoBest(
            f"ruleset {ruleset.ruleset!r} has a relative criterion: score it with score_together, or pass bests"
        )
    with localcontext(CONTEXT):
        places = ruleset.rounding.places
        department = ruleset.department(submission.department)
        group = department.group if department else None
        criteria = tuple(
            _score_criterion(
                criterion,
                content.id,
                submission.criteria.get(criterion.id),
                places,
                submission.self_score.get(criterion.id),
                ruleset.applies(criterion, submission.department),
                bests.get(group, criterion.id) if bests is not None and criterion.rule.compared else None,
            )
            for content, criterion in ruleset.criteria()
        )
        deductions = tuple(
            _score_deduction(d.id, d.per, d.cap, submission.deductions.get(d.id, 0), places) for d in ruleset.deductions
        )
        base_criteria = [c for c in criteria if c.criterion.is_base]
        contents = {
            content.id: sum((c.points for c in base_criteria if c.content_id == content.id), ZERO)
            for content in ruleset.contents
        }
        base = sum((c.points for c in base_criteria), ZERO)
        bonus = sum(
            (c.bonus if c.criterion.is_base else c.total for c in criteria if c.criterion.counts_as != "deduction"),
            ZERO,
        )
        deducted = sum((d.points for d in deductions), ZERO) + sum(
            (c.total for c in criteria if c.criterion.counts_as == "deduction"), ZERO
        )
        raw = base + bonus - deducted
        total = raw if ruleset.floor == "none" else max(ZERO, raw)
        own_max = sum((c.criterion.max_points for c in criteria if c.counted_in_max), ZERO)
        share = total / own_max if own_max else ZERO
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
        own_max=own_max,
        floored=total - raw,
        group=department.group if department else None,
    )


def _score_criterion(
    criterion: Criterion,
    content_id: str,
    value: CriterionValue | None,
    places: int,
    claimed: Decimal | None,
    applies: bool = True,
    best: Best | None = None,
) -> CriterionScore:
    """One criterion's points, by its rule; a value that is absent (only when re-scoring under another
    year's rules, or for a criterion that does not apply) or declared not applicable scores 0."""
    if not applies:
        return CriterionScore(criterion, content_id, None, ZERO, ZERO, claimed=claimed, applies=False)
    if value is None or isinstance(value, NotApplicable):
        return CriterionScore(criterion, content_id, value, ZERO, ZERO, claimed=claimed)
    if not isinstance(value, criterion.rule.VALUE):
        raise TypeError(f"criterion {criterion.id}: a {criterion.kind} rule cannot score {type(value).__name__}")
    scored = criterion.rule.score_against(value, places, best)
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
        best=best,
    )


def _score_deduction(deduction_id: str, per: Decimal, cap: Decimal | None, count: int, places: int) -> DeductionScore:
    raw = per * count
    points = raw if cap is None else min(cap, raw)
    return DeductionScore(deduction_id, count, round_points(points, places), round_points(raw - points, places))


# --- classes, ranking and awards ------------------------------------------------------


def unmet(conditions: Conditions, card: ScoreCard, class_id: str | None = None) -> tuple[str, ...]:
    """The conditions of a class or an award that the unit does not meet (their keys), in order.

    `class_id` is the unit's class, for `class()` in an award's `when`.
    """
    failed = []
    if conditions.min_share is not None and not card.meets_share(conditions.min_share):
        failed.append("min_share")
    if conditions.min_points is not None and card.total < conditions.min_points:
        failed.append("min_points")
    if conditions.min_criterion_share is not None and not all(
        c.points >= conditions.min_criterion_share * c.criterion.max_points for c in card.criteria if c.counted_in_max
    ):
        failed.append("min_criterion_share")
    if any(card.count_of(name) for name in conditions.require_zero):
        failed.append("require_zero")
    if conditions.condition is not None and not _holds(conditions.condition, card, class_id):
        failed.append("when")
    return tuple(failed)


def _base_points(cs: CriterionScore) -> Decimal | None:
    """A criterion's base points for `points('id')`; None where it does not apply or was declared so."""
    return cs.points if cs.applies and not cs.not_applicable else None


def _holds(condition: Expression, card: ScoreCard, class_id: str | None) -> bool:
    """Whether a `when` condition holds for the unit (SPEC 7.2); one that divides by zero does not."""
    names: dict[str, Decimal | None] = {
        "total": card.total,
        "base": card.base,
        "bonus": card.bonus,
        "deductions": card.deducted,
        "share": card.share if card.has_share else None,
        "lowest_criterion_share": card.lowest_criterion_share,
    }
    functions: dict[str, Callable[..., Result]] = {
        "points": lambda criterion_id: _base_points(card.criterion(criterion_id)),
        "count": lambda name: Decimal(card.count_of(name)),
        "content": lambda content_id: card.contents.get(content_id),
        "class": lambda: class_id,
    }
    try:
        with localcontext(CONTEXT):
            return evaluate(condition, Env(names, functions)) is True
    except DivisionByZero:
        return False


def classify(ruleset: Ruleset, card: ScoreCard) -> str | None:
    """The unit's class: the first whose conditions all hold (SPEC 7.5), or None."""
    return next((c.id for c in ruleset.classification if not unmet(c, card)), None)


@dataclass(frozen=True, slots=True)
class AwardCheck:
    """Whether one unit may receive one award, and whether it is proposed."""

    award_id: str
    department: str
    share: Decimal
    min_share: Decimal | None
    nonzero: tuple[tuple[str, int], ...]  # require_zero counts that are not zero
    proposed: bool  # the bloc's ballot decides (SPEC 2: awards are proposals)
    already: str | None = None  # the exclusive award it already received
    quota_full: bool = False
    meets_share: bool = True  # total >= min_share x own maximum, decided exactly (share itself may be rounded)
    unmet: tuple[str, ...] = ()  # every condition it does not meet (keys of the award)


@dataclass(frozen=True, slots=True)
class RankedUnit:
    rank: int  # within its group, when there are groups
    tied: bool
    card: ScoreCard
    award: str | None  # its exclusive award
    decided_by: str | None  # the tie-breaker that set it apart from a unit of equal standing
    class_id: str | None = None
    awards: tuple[str, ...] = ()  # every award proposed to it, the exclusive one first

    @property
    def group(self) -> str | None:
        return self.card.group

    @property
    def place(self) -> Place:
        return Place(
            self.card.department,
            self.group,
            self.rank,
            self.tied,
            self.award,
            self.decided_by,
            self.class_id,
            self.awards,
        )


@dataclass(frozen=True, slots=True)
class Ranking:
    year: int
    units: tuple[RankedUnit, ...]  # by group (in the ruleset's order), then by rank
    missing: tuple[str, ...]
    awards: tuple[AwardCheck, ...] = field(default=())

    def unit(self, department: str) -> RankedUnit | None:
        return next((u for u in self.units if u.card.department == department), None)

    def groups(self) -> list[tuple[str | None, tuple[RankedUnit, ...]]]:
        """The units of each group, in order (one group, None, when the ruleset has none)."""
        found: dict[str | None, list[RankedUnit]] = {}
        for unit in self.units:
            found.setdefault(unit.group, []).append(unit)
        return [(group, tuple(units)) for group, units in found.items()]

    def quota_ties(self) -> tuple[QuotaTie, ...]:
        """Where units of one rank fell on both sides of an award's quota (`quota_ties`)."""
        return quota_ties({u.card.department: (u.group or "", u.rank) for u in self.units}, self.awards)


def quota_ties(place: dict[str, tuple[str, int]], awards: Iterable[AwardCheck]) -> tuple[QuotaTie, ...]:
    """Where units of one rank fell on both sides of an award's quota; `place`: each unit's (group, rank).

    The proposal must still name units, so it takes them in department-id
    order; the regulation leaves such a tie to the bloc's secret ballot,
    and the outputs say so.
    """
    proposed: dict[tuple[str, str, int], list[str]] = {}
    passed: dict[tuple[str, str, int], list[str]] = {}
    for check in awards:
        key = (check.award_id, *place[check.department])
        if check.proposed:
            proposed.setdefault(key, []).append(check.department)
        elif check.quota_full:
            passed.setdefault(key, []).append(check.department)
    return tuple(
        QuotaTie(award_id, rank_, tuple(proposed[(award_id, group, rank_)]), tuple(passed_over))
        for (award_id, group, rank_), passed_over in passed.items()
        if (award_id, group, rank_) in proposed
    )


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


_LOWEST = Decimal("-Infinity")


def _standing(ruleset: Ruleset, card: ScoreCard, class_id: str | None) -> tuple[Decimal, ...]:
    """What ranks a unit, larger first: its class (with `rank_by_class`), its total or share."""
    lead: list[Decimal] = []
    if ruleset.rank_by_class:
        classes = [c.id for c in ruleset.classification]
        lead.append(Decimal(-(classes.index(class_id) if class_id in classes else len(classes))))
    if ruleset.compare == "share":
        lead.append(card.share if card.has_share else _LOWEST)
    else:
        lead.append(card.total)
    return tuple(lead)


@dataclass(frozen=True, slots=True)
class Standing:
    """What ranking needs of one unit, found from its card alone.

    Many units are scored on every core: each worker process finds its units'
    standings, and the ranking (which needs every unit) is made from them alone.
    """

    department: str
    group: str | None
    class_id: str | None
    key: tuple[Decimal, ...]  # its standing (`lead` values), then its tie-breakers' values: larger is better
    lead: int  # how many of `key`'s values are its standing
    share: Decimal
    #: per award of the ruleset, in order: the conditions it does not meet, and its require_zero counts above 0
    checks: tuple[tuple[tuple[str, ...], tuple[tuple[str, int], ...]], ...]


def standing(ruleset: Ruleset, card: ScoreCard) -> Standing:
    """The unit's class, standing, tie-breaker values and award conditions (SPEC 3.2, 7.2, 7.5)."""
    class_id = classify(ruleset, card) if ruleset.classification else None
    lead = _standing(ruleset, card, class_id)
    checks = tuple(
        (
            unmet(award, card, class_id),
            tuple((name, card.count_of(name)) for name in award.require_zero if card.count_of(name)),
        )
        for award in ruleset.awards
    )
    key = (*lead, *(_breaker_value(card, b) for b in ruleset.tie_breakers))
    return Standing(card.department, card.group, class_id, key, len(lead), card.share, checks)


@dataclass(frozen=True, slots=True)
class Place:
    """Where ranking put one unit: a RankedUnit without its card."""

    department: str
    group: str | None
    rank: int  # within its group, when there are groups
    tied: bool
    award: str | None  # its exclusive award
    decided_by: str | None
    class_id: str | None
    awards: tuple[str, ...]  # every award proposed to it, the exclusive one first


@dataclass(frozen=True, slots=True)
class Order:
    """The ranking made from standings alone: places by group (in the ruleset's order), then by rank."""

    year: int
    places: tuple[Place, ...]
    missing: tuple[str, ...]
    awards: tuple[AwardCheck, ...]

    def quota_ties(self) -> tuple[QuotaTie, ...]:
        return quota_ties({p.department: (p.group or "", p.rank) for p in self.places}, self.awards)


def rank(ruleset: Ruleset, cards: Iterable[ScoreCard], missing: Sequence[str] = ()) -> Ranking:
    """Order units by standing, then the ruleset's tie-breakers; equal units share a rank.

    With groups, each group is ranked on its own (ranks restart at 1), and an
    award's quota holds in each group unless the award is `across_groups`.
    """
    cards = list(cards)
    found = order(ruleset, [standing(ruleset, card) for card in cards], missing)
    card_of = {card.department: card for card in cards}
    units = tuple(
        RankedUnit(p.rank, p.tied, card_of[p.department], p.award, p.decided_by, p.class_id, p.awards)
        for p in found.places
    )
    return Ranking(found.year, units, found.missing, found.awards)


def order(ruleset: Ruleset, standings: Sequence[Standing], missing: Sequence[str] = ()) -> Order:
    """`rank` from the units' standings (`standing`): what `rank` does once every unit is scored."""
    breakers = list(ruleset.tie_breakers)
    ordered = sorted(standings, key=lambda s: (tuple(-k for k in s.key), s.department))
    group_order = {g.id: n for n, g in enumerate(ruleset.groups)}
    by_group: dict[str | None, list[Standing]] = {}
    for unit in sorted(ordered, key=lambda s: group_order.get(s.group or "", len(group_order))):
        by_group.setdefault(unit.group, []).append(unit)
    awards = _propose_awards(ruleset, ordered, by_group)
    proposed: dict[str, list[str]] = {}
    exclusive = {a.id for a in ruleset.awards if a.exclusive}
    for check in awards:
        if check.proposed:
            proposed.setdefault(check.department, []).append(check.award_id)
    places = []
    for members in by_group.values():
        group_keys = [s.key for s in members]
        ranks: list[int] = []
        for i, k in enumerate(group_keys):
            ranks.append(ranks[i - 1] if i and group_keys[i - 1] == k else i + 1)
        sizes = Counter(ranks)
        for i, unit in enumerate(members):
            mine = tuple(sorted(proposed.get(unit.department, []), key=lambda a: a not in exclusive))
            places.append(
                Place(
                    unit.department,
                    unit.group,
                    ranks[i],
                    sizes[ranks[i]] > 1,
                    next((a for a in mine if a in exclusive), None),
                    _decided_by(i, group_keys, breakers, unit.lead),
                    unit.class_id,
                    mine,
                )
            )
    rank_of = {d.id: n for n, d in enumerate(ruleset.departments)}
    return Order(
        ruleset.year, tuple(places), tuple(sorted(missing, key=lambda d: rank_of.get(d, len(rank_of)))), awards
    )


def _decided_by(i: int, keys: list[tuple[Decimal, ...]], breakers: list[str], lead: int) -> str | None:
    """The first tie-breaker that separates unit i from a neighbour of the same standing."""
    for j in (i - 1, i + 1):
        if 0 <= j < len(keys) and keys[j][:lead] == keys[i][:lead] and keys[j] != keys[i]:
            for n, breaker in enumerate(breakers, start=lead):
                if keys[j][n] != keys[i][n]:
                    return breaker
    return None


def _propose_awards(
    ruleset: Ruleset, ordered: list[Standing], by_group: dict[str | None, list[Standing]]
) -> tuple[AwardCheck, ...]:
    """The awards in the ruleset's order: exclusive ones as a ladder with quotas, the others to all who meet them."""
    checks: list[AwardCheck] = []
    awarded: dict[str, str] = {}
    for n, award in enumerate(ruleset.awards):
        pools = [ordered] if award.across_groups or not award.exclusive else list(by_group.values())
        for pool in pools:
            given = 0
            for unit in pool:
                failed, nonzero = unit.checks[n]
                already = awarded.get(unit.department) if award.exclusive else None
                eligible = not failed and already is None
                granted = eligible and (not award.exclusive or award.quota is None or given < award.quota)
                if granted and award.exclusive:
                    given += 1
                    awarded[unit.department] = award.id
                checks.append(
                    AwardCheck(
                        award.id,
                        unit.department,
                        unit.share,
                        award.min_share,
                        nonzero,
                        granted,
                        already,
                        eligible and not granted,
                        "min_share" not in failed,
                        failed,
                    )
                )
    return tuple(checks)
