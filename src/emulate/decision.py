"""Decision support (SPEC 9): what a unit would need (`gap`), how close the ranking is (`margins`), what if (`whatif`).

Pure functions over a year's data, as `evaluate` takes it: the ruleset, the
submissions, the units without one and the review. Nothing here decides a rank
or an award: every answer re-scores a unit with the engine's `score` and
re-ranks with its `rank`, and a goal is reached when that ranking says so, so
the answers follow the engine's rules (awards, quotas, tie-breakers) as they
grow. The kinds say what a value could still score (`RuleBase.reach`); `gap`
searches the totals those make reachable, exactly, on the rounding grid.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, Decimal
from typing import Any

from .arithmetic import CONTEXT, ZERO
from .engine import Bests, Ranking, ScoreCard, bests, rank, score
from .evaluation import Evaluation, evaluate
from .fields import Model, NonNegativeWhole, did_you_mean
from .i18n import _
from .kinds.rating import RatingRule, RatingValue
from .problems import Problem, warning
from .review import Adjustment, Review, apply_review
from .ruleset import Conditions, Ruleset
from .submission import VALUE_MODELS, CriterionValue, Submission, check_value, read_labels
from .validation import validate
from .yamlio import PathKey, load_text

#: at most this many ways are listed, the smallest increases first
MOST_WAYS = 5
#: at most this many sets of criteria of one size are tried for the ways
_MOST_SETS = 400
#: a deduction's count is lowered at most this many times (each a re-scoring)
_MOST_COUNTS = 200
#: where the split of the points matters (`split_matters`), at most this many combinations of values are tried
_MOST_COMBINATIONS = 2000


# --- goals ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Goal:
    """What a unit aims at: a rank or better, an award (or an exclusive award listed before it, a better
    one), or a class (or a class listed before it)."""

    rank: int | None = None
    award: str | None = None
    class_id: str | None = None

    def reached(self, ruleset: Ruleset, ranking: Ranking, department: str) -> bool:
        unit = ranking.unit(department)
        if unit is None:
            return False
        if self.rank is not None:
            return unit.rank <= self.rank
        if self.class_id is not None:
            classes = [c.id for c in ruleset.classification]
            return unit.class_id in classes and classes.index(unit.class_id) <= classes.index(self.class_id)
        if self.award in unit.awards:
            return True
        ladder = [a.id for a in ruleset.awards if a.exclusive]
        if unit.award is None or self.award not in ladder:
            return False
        return ladder.index(unit.award) <= ladder.index(self.award)

    def as_data(self) -> dict[str, Any]:
        if self.rank is not None:
            return {"rank": self.rank}
        return {"class": self.class_id} if self.class_id is not None else {"award": self.award}


# --- what can change: a criterion's value or a deduction's count ---------------------------


@dataclass(frozen=True)
class Change:
    """A value to write: a criterion's value (as in a submission) or a deduction's count."""

    target: str  # criterion or deduction id
    value: Any  # a criterion's Value, or an int (a deduction's count)
    deduction: bool = False


@dataclass(frozen=True)
class _Lever:
    """One criterion or deduction of the unit, and the gains (in grid steps) that its values give."""

    target: str
    deduction: bool
    spans: tuple[tuple[int, int], ...]  # gains above 0, every step from low to high
    value_for: Callable[[int], Any]
    # every other value of a closed scale (a rating's labels) scoring no less, with its gain: where the
    # split matters, a label of equal total but more base points is another way
    labels: tuple[tuple[int, Any], ...] = ()

    @property
    def top(self) -> int:
        return max((high for _, high in self.spans), default=0)


def _steps(points: Decimal, places: int) -> int:
    return int(points.scaleb(places, context=CONTEXT))


def _points(steps: int, places: int) -> Decimal:
    return Decimal(steps).scaleb(-places, context=CONTEXT)


def _levers(
    ruleset: Ruleset, submission: Submission, card: ScoreCard, frozen: set[str], found: Bests | None = None
) -> list[_Lever]:
    """What the unit could still gain, criterion by criterion, then deduction by deduction (a `relative`
    criterion's against the best as it is: `attempt` re-scores everyone when a change moves the best)."""
    places = ruleset.rounding.places
    levers = []
    for cs in card.criteria:
        if cs.value is None or cs.not_applicable or cs.criterion.id in frozen:
            continue  # no value (or a criterion that does not apply to the unit), or declared not applicable
        if cs.criterion.counts_as == "deduction":
            continue  # more points there take points off: not a way up (SPEC 7.3)
        if cs.criterion.by_others:
            continue  # scored by a body, a department or the peers: not the unit's lever (SPEC 7.7)
        reach = cs.criterion.rule.reach_against(cs.value, places, cs.best)
        spans = tuple((_steps(low - cs.total, places), _steps(high - cs.total, places)) for low, high in reach.spans)

        def value_for(gain: int, now: Decimal = cs.total, give: Callable[[Decimal], Any] = reach.value_for) -> Any:
            return give(now + _points(gain, places))

        labels: tuple[tuple[int, Any], ...] = ()
        if isinstance(cs.value, RatingValue) and isinstance(cs.criterion.rule, RatingRule):
            labels = tuple(
                (_steps(scored.points + scored.bonus - cs.total, places), other)
                for label in cs.criterion.rule.scale
                if label != cs.value.rating
                for other in [cs.value.model_copy(update={"rating": label})]
                for scored in [cs.criterion.rule.score(other, places)]
                if scored.points + scored.bonus >= cs.total
            )
        levers.append(_Lever(cs.criterion.id, False, spans, value_for, labels))
    for ds in card.deductions:
        if ds.count == 0 or ds.deduction_id in frozen:
            continue
        # the engine says what each smaller count deducts
        counts: dict[int, int] = {}
        for count in range(ds.count - 1, max(-1, ds.count - 1 - _MOST_COUNTS), -1):
            fewer = replace(submission, deductions={**submission.deductions, ds.deduction_id: count})
            deducted = next(
                d.points for d in score(ruleset, fewer, found).deductions if d.deduction_id == ds.deduction_id
            )
            gain = _steps(ds.points - deducted, places)
            if gain > 0:
                counts[gain] = max(counts.get(gain, -1), count)
        spans = tuple((gain, gain) for gain in sorted(counts))

        def count_for(gain: int, counts: Mapping[int, int] = counts) -> Any:
            return counts[min(g for g in counts if g >= gain)]

        levers.append(_Lever(ds.deduction_id, True, spans, count_for))
    return levers


def _plus(reachable: int, lever: _Lever) -> int:
    """The gains reachable with one more lever: the Minkowski sum of two bit sets."""
    out = reachable
    for low, high in lever.spans:
        part, covered, width = reachable << low, 1, high - low + 1
        while covered < width:  # smear over the span by doubling
            shift = min(covered, width - covered)
            part |= part << shift
            covered += shift
        out |= part
    return out


def _lowest_bit(bits: int) -> int:
    return (bits & -bits).bit_length() - 1


def _split(gain: int, order: Sequence[_Lever]) -> list[int] | None:
    """Gains of the levers (in `order`) that add up to `gain` exactly, each as large as the ones after allow."""
    suffix = [1]
    for lever in reversed(order):
        suffix.append(_plus(suffix[-1], lever))
    suffix.reverse()
    if not suffix[0] >> gain & 1:
        return None
    plan = []
    for k, lever in enumerate(order):
        rest, taken = suffix[k + 1], 0
        for low, high in sorted(lever.spans, key=lambda span: -span[1]):
            first, last = max(0, gain - high), gain - low
            if last < 0:
                continue
            window = (rest >> first) & ((1 << (last - first + 1)) - 1)
            if window:
                taken = gain - (first + _lowest_bit(window))
                break
        plan.append(taken)
        gain -= taken
    return plan


@dataclass(frozen=True)
class _Found:
    card: ScoreCard
    ranking: Ranking
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class _Unit:
    """The unit asking, with everyone else as they are."""

    ruleset: Ruleset
    department: str
    submission: Submission  # with the review's values
    card: ScoreCard
    others: tuple[ScoreCard, ...]
    missing: tuple[str, ...]
    goal: Goal
    #: the others' submissions (with the review's values): a changed `relative` value can change the best
    other_submissions: tuple[Submission, ...] = ()

    def attempt(self, changes: Sequence[Change]) -> _Found:
        criteria = dict(self.submission.criteria)
        deductions = dict(self.submission.deductions)
        for change in changes:
            if change.deduction:
                deductions[change.target] = change.value
            else:
                criteria[change.target] = change.value
        changed = replace(self.submission, criteria=criteria, deductions=deductions)
        if self.ruleset.scores_alone:
            card = score(self.ruleset, changed)
            return _Found(card, rank(self.ruleset, [*self.others, card], self.missing), tuple(changes))
        # the unit's new value may be the new best: every unit ranked with it is scored again
        everyone = [*self.other_submissions, changed]
        found = bests(self.ruleset, everyone)
        cards = [score(self.ruleset, s, found) for s in everyone]
        return _Found(cards[-1], rank(self.ruleset, cards, self.missing), tuple(changes))

    def reaches(self, found: _Found) -> bool:
        return self.goal.reached(self.ruleset, found.ranking, self.department)

    def tied(self, found: _Found) -> bool:
        """Whether the unit's total (its share, with `compare: share`) equals another's: the tie-breakers
        then read how the gain is split."""

        def standing(card: ScoreCard) -> Decimal | None:
            if self.ruleset.compare == "share":
                return card.share if card.has_share else None
            return card.total

        mine = standing(found.card)
        return any(standing(u.card) == mine for u in found.ranking.units if u.card.department != self.department)

    def count_fails(self, found: _Found) -> bool:
        """Whether an award's count condition fails for the unit: a lever may bring that count to 0."""
        return any(a.nonzero for a in found.ranking.awards if a.department == self.department)

    def thresholds(self) -> list[Decimal]:
        """The totals where the outcome can change: another unit's total, one step above it, an award's floor."""
        step = Decimal(1).scaleb(-self.ruleset.rounding.places)
        others = {o.total for o in self.others}
        if self.ruleset.compare == "share":  # ranked by share: the totals that reach the others' shares
            others |= {o.share * self.card.own_max for o in self.others if o.has_share}
        totals = {t.quantize(step, rounding=ROUND_CEILING, context=CONTEXT) for t in others}
        totals |= {t + step for t in totals}
        for conditions in [*self.ruleset.awards, *self.ruleset.classification]:
            floor = award_floor(conditions, self.card.own_max)
            if floor is not None:
                totals.add(floor.quantize(step, rounding=ROUND_CEILING, context=CONTEXT))
        return sorted(totals)


def award_floor(award: Conditions, own_max: Decimal) -> Decimal | None:
    """The least total an award's or a class's point conditions allow (a share of the own maximum, points)."""
    floors = [award.min_share * own_max] if award.min_share is not None else []
    if award.min_points is not None:
        floors.append(award.min_points)
    return max(floors) if floors else None


class _CannotTell(Exception):
    """Too many combinations of values to try, where the goal depends on how the points are split (or the
    unit's total is held at the floor of 0)."""


def split_matters(ruleset: Ruleset, goal: Goal, own_max: Decimal) -> bool:
    """Whether reaching the goal may ask more of the unit than a total: a share of every criterion, or an
    expression (`when`, which may read any criterion, count or class), in a condition the goal depends on.
    Then the total alone does not say whether the goal is reached, and `gap` tries the combinations of
    values themselves.

    The goal depends on: for a class, that class and the better ones; for an award, that award and
    the exclusive ones before it (a better award reaches it too), and the classes when one of those
    awards reads `class()`; and on every class when the ranking goes by class first (`rank_by_class`)
    and the goal is a rank or an award's place.
    """
    classes = list(ruleset.classification)
    relevant: list[Conditions] = []
    if goal.class_id is not None:
        ids = [c.id for c in classes]
        wanted = classes[ids.index(goal.class_id)] if goal.class_id in ids else None
        relevant += classes[: ids.index(goal.class_id) + 1] if wanted is not None else classes
        if wanted is not None and not wanted.require_zero:
            # a better class whose floor is no lower is met only at totals where the class asked for is
            # met too, when its own conditions are on the total alone: it changes nothing
            floor = award_floor(wanted, own_max)
            relevant = [
                c for c in relevant if c is wanted or floor is None or (award_floor(c, own_max) or floor - 1) < floor
            ]
    else:
        award = next((a for a in ruleset.awards if a.id == goal.award), None)
        if award is not None:
            ladder = [a for a in ruleset.awards if a.exclusive]
            relevant += ladder[: ladder.index(award) + 1] if award.exclusive else [award]
            if any(a.when is not None and "class(" in a.when for a in relevant):
                relevant += classes
        if ruleset.rank_by_class:
            relevant += classes
    return any(c.min_criterion_share is not None or c.when is not None for c in relevant)


def _reads_when(ruleset: Ruleset) -> bool:
    """Whether an award or a class has an expression (`when`), which need not favour more points."""
    return any(c.when is not None for c in [*ruleset.awards, *ruleset.classification])


def _options(levers: Sequence[_Lever]) -> list[list[tuple[int, Change | None]]]:
    """Each lever's values with their gains (a rating's every label scoring no less), after no change."""
    options: list[list[tuple[int, Change | None]]] = []
    for lever in levers:
        if lever.labels:
            values = [(gain, Change(lever.target, value)) for gain, value in lever.labels]
        else:
            gains = sorted({g for low, high in lever.spans for g in range(max(low, 1), high + 1)})
            values = [(g, Change(lever.target, lever.value_for(g), lever.deduction)) for g in gains]
        options.append([(0, None), *values])
    return options


def _every_split_of(unit: _Unit, levers: Sequence[_Lever], gain: int) -> _Found | None:
    """The splits of exactly this gain among the levers: at a total equal to another unit's, each tie-breaker
    reads the split, and a split equal to that unit on every one of them shares its rank. The one with the
    fewest changes that reaches the goal, or None. At most _MOST_COMBINATIONS are tried (then the larger
    gains are tried as before: on a wide ruleset a split of the tied total may be missed)."""
    options = _options(levers)
    suffix = [1]  # the gains reachable with the levers from k on, as a bit set
    for option in reversed(options):
        bits = 0
        for g, _change in option:
            bits |= suffix[-1] << g
        suffix.append(bits)
    suffix.reverse()
    tried = 0
    found: _Found | None = None

    def walk(k: int, left: int, changes: list[Change]) -> None:
        nonlocal tried, found
        if k == len(options):
            if not changes or (found is not None and len(found.changes) <= len(changes)):
                return
            tried += 1
            attempt = unit.attempt(changes)
            if unit.reaches(attempt):
                found = attempt
            return
        for g, change in options[k]:
            if tried >= _MOST_COMBINATIONS:
                return
            if g <= left and suffix[k + 1] >> (left - g) & 1:
                walk(k + 1, left - g, changes if change is None else [*changes, change])

    walk(0, gain, [])
    return found


def _every_split(unit: _Unit, levers: Sequence[_Lever], reaching: list[_Found] | None = None) -> _Found | None:
    """The smallest increase, trying every combination of the levers' values (at most _MOST_COMBINATIONS,
    or _CannotTell); among equal increases, the one with the fewest changes, then the smallest planned gain.
    Every combination that reaches the goal is added to `reaching`, when given."""
    options = _options(levers)
    size = 1
    for option in options:
        size *= len(option)
        if size > _MOST_COMBINATIONS:
            raise _CannotTell
    best: tuple[Decimal, int, int] | None = None
    found: _Found | None = None
    for plan in itertools.product(*options):
        planned = sum(gain for gain, _change in plan)
        changes = [change for _gain, change in plan if change is not None]
        if not changes:
            continue
        attempt = unit.attempt(changes)
        if not unit.reaches(attempt):
            continue
        if reaching is not None:
            reaching.append(attempt)
        key = (attempt.card.total, len(attempt.changes), planned)
        if best is None or key < best:
            best, found = key, attempt
    return found


def _every_way_tried(unit: _Unit) -> bool:
    """Whether `gap` tries every combination of values rather than the totals: where the split matters,
    or below the floor of 0, where every gain up to it leaves the total at 0 and a tie-breaker may still
    favour one split."""
    card = unit.card
    floored = card.base + card.bonus - card.deducted < 0 and unit.ruleset.floor == 0
    return floored or split_matters(unit.ruleset, unit.goal, card.own_max)


def _smallest(unit: _Unit, levers: Sequence[_Lever], at_least: int = 1) -> _Found | None:
    """The smallest increase these levers can make that reaches the goal, confirmed by re-ranking.

    Between two thresholds the outcome cannot change, so only the smallest reachable
    total at or above each threshold is tried, and the most the levers can give. How
    the gain is split matters too (the tie-breakers at a total equal to another unit's,
    a count an award requires to be 0): it is split in a few orders (criteria first,
    deductions first, the last criteria first, each lever first), each re-ranked; and
    where an award's count condition fails, each lever at its best (a count brought to
    0) with the smallest gain of the others that still reaches the threshold.
    Candidates are tried smallest gain first, so the first that reaches the goal is the answer.
    """
    places = unit.ruleset.rounding.places
    if not levers:
        return None
    raw = _steps(unit.card.base + unit.card.bonus - unit.card.deducted, places)
    if _every_way_tried(unit):
        return _every_split(unit, levers)
    reachable = 1
    for lever in levers:
        reachable = _plus(reachable, lever)
    gains = {_steps(total, places) - raw for total in unit.thresholds()} | {reachable.bit_length() - 1}
    criteria = [lever for lever in levers if not lever.deduction]
    deductions = [lever for lever in levers if lever.deduction]
    orders = [list(levers), deductions + criteria, criteria[::-1] + deductions]
    orders += [[lever, *(other for other in levers if other is not lever)] for lever in levers[1:]]
    # (gain, -1 for a split in the orders or the index of the lever put at its best)
    queue = [(_at_or_above(reachable, max(g, at_least)), -1) for g in gains]
    heapq.heapify(queue)
    tried: set[tuple[int, int]] = set()
    while queue:
        gain, best = heapq.heappop(queue)
        if gain < 0 or (gain, best) in tried:
            continue
        tried.add((gain, best))
        if best >= 0:
            lever = levers[best]
            at_best = Change(lever.target, lever.value_for(lever.top), lever.deduction)
            for order in orders[:3]:
                rest = [other for other in order if other is not lever]
                plan = _split(gain - lever.top, rest)
                if plan is not None:
                    found = unit.attempt([at_best, *_changes(rest, plan)])
                    if unit.reaches(found):
                        return found
            continue
        pushed = tied = False
        for order in orders:
            plan = _split(gain, order)
            if plan is None:
                continue
            found = unit.attempt(_changes(order, plan))
            if unit.reaches(found):
                return found
            tied = tied or unit.tied(found)
            if not (tied or unit.count_fails(found)):
                break
            if not pushed:  # the same total or more, with one lever at its best
                pushed = True
                for i, lever in enumerate(levers):
                    above = _at_or_above(_without(levers, lever), max(0, gain - lever.top))
                    if above >= 0:
                        heapq.heappush(queue, (lever.top + above, i))
        if tied:  # a split no order gave may win the tie-breakers, or equal the other unit on each of them
            found_split = _every_split_of(unit, levers, gain)
            if found_split is not None:
                return found_split
    return None


def _without(levers: Sequence[_Lever], left_out: _Lever) -> int:
    """The gains reachable with every lever but one."""
    reachable = 1
    for lever in levers:
        if lever is not left_out:
            reachable = _plus(reachable, lever)
    return reachable


def _at_or_above(reachable: int, gain: int) -> int:
    """The smallest reachable gain at or above `gain`, or -1."""
    above = reachable >> gain
    return gain + _lowest_bit(above) if above else -1


def _changes(order: Sequence[_Lever], plan: Sequence[int]) -> list[Change]:
    return [
        Change(lever.target, lever.value_for(taken), lever.deduction)
        for lever, taken in zip(order, plan, strict=True)
        if taken
    ]


# --- gap -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Opening:
    """Points a criterion (or a deduction) can still give the unit, and the value that gives them all."""

    target: str
    gain: Decimal
    value: Any
    deduction: bool = False


@dataclass(frozen=True)
class Obstacle:
    """What cannot help, and why: `reason` is at_maximum, scored_by (a criterion others score), require_zero,
    min_share, quota_held, units_ahead, class_condition (a condition of the class asked for that points cannot
    meet) or cannot_tell (the goal depends on how the points are split, and there are too many ways to split
    them to try: no answer rather than a wrong one)."""

    reason: str
    criterion: str | None = None
    award: str | None = None
    rank: int | None = None
    class_id: str | None = None


@dataclass(frozen=True)
class Way:
    """Values that reach the goal together, with the increase of total they make."""

    changes: tuple[Change, ...]
    increase: Decimal


@dataclass(frozen=True)
class Gap:
    department: str
    goal: Goal
    total: Decimal
    increase: Decimal | None  # None: unreachable
    openings: tuple[Opening, ...]
    ways: tuple[Way, ...]
    cannot_help: tuple[Obstacle, ...]
    places: int
    # how the threshold follows, once reached: the total, rank and award then, the units passed,
    # the tie-breaker that set the unit ahead of one of equal total, the award's floor
    new_total: Decimal | None = None
    new_rank: int | None = None
    new_award: str | None = None
    passed: tuple[str, ...] = ()
    decided_by: str | None = None
    floor: Decimal | None = None
    #: criteria still open that are scored against the best unit (`relative`): a value beyond the best
    #: makes this unit the best and lowers the others' points (the answer re-scores them)
    against_best: tuple[str, ...] = ()

    @property
    def reachable(self) -> bool:
        return self.increase is not None


class NotRanked(LookupError):
    """The unit has no submission for the year, so it has no total to raise."""


def gap(
    ruleset: Ruleset,
    submissions: Sequence[Submission],
    missing: Sequence[str],
    review: Review | None,
    department: str,
    goal: Goal,
) -> Gap:
    """The smallest increase of the unit's total that reaches `goal`, everyone else as they are; what each
    criterion can still give, the ways with the fewest criteria, and what cannot help."""
    evaluation = evaluate(ruleset, submissions, missing, review)
    before = evaluation.ranking.unit(department)
    own = next((s for s in submissions if s.department == department), None)
    if before is None or own is None:
        raise NotRanked(department)
    places = ruleset.rounding.places
    award = next((a for a in ruleset.awards if a.id == goal.award), None)
    wanted = next((c for c in ruleset.classification if c.id == goal.class_id), None)
    submission = apply_review(own, review.for_department(department) if review is not None else ())
    card = before.card
    unit = _Unit(
        ruleset,
        department,
        submission,
        card,
        tuple(u.card for u in evaluation.ranking.units if u.card.department != department),
        evaluation.ranking.missing,
        goal,
        tuple(
            apply_review(s, review.for_department(s.department) if review is not None else ())
            for s in submissions
            if s.department != department
        ),
    )
    # a count that an award requires to be zero is a fact, not a lever
    frozen = set(award.require_zero) if award is not None else set(wanted.require_zero) if wanted is not None else set()
    levers = _levers(ruleset, submission, card, frozen, bests(ruleset, [*unit.other_submissions, submission]))
    openings = tuple(
        Opening(lever.target, _points(lever.top, places), lever.value_for(lever.top), lever.deduction)
        for lever in levers
        if lever.top
    )
    obstacles = [
        Obstacle("scored_by" if cs.criterion.by_others else "at_maximum", criterion=cs.criterion.id)
        for cs in card.criteria
        if cs.counted_in_max or cs.criterion.counts_as == "bonus"  # not one that does not apply, or takes off
        if _at_most(cs.criterion.id, levers, frozen)
    ]
    failing = [name for name in sorted(frozen) if card.count_of(name)]
    obstacles += [
        Obstacle("require_zero", criterion=name, award=goal.award, class_id=goal.class_id) for name in failing
    ]
    conditions = award if award is not None else wanted
    floor = award_floor(conditions, card.own_max) if conditions is not None else None
    against_best = tuple(
        cs.criterion.id
        for cs in card.criteria
        if cs.criterion.rule.compared and any(o.target == cs.criterion.id for o in openings)
    )
    unanswered = Gap(
        department, goal, card.total, None, openings, (), (), places, floor=floor, against_best=against_best
    )
    if goal.reached(ruleset, evaluation.ranking, department):
        return replace(
            unanswered,
            increase=ZERO,
            cannot_help=tuple(obstacles),
            new_total=card.total,
            new_rank=before.rank,
            new_award=before.award,
        )
    try:
        # even with a count that must be 0 and is not, a better award of the ladder may be within reach
        found = _smallest(unit, levers)
    except _CannotTell:
        # too many splits to try; without a `when`, every condition favours more points in every
        # criterion, so if even every point still open does not reach the goal, nothing does
        at_top = [Change(lever.target, lever.value_for(lever.top), lever.deduction) for lever in levers if lever.top]
        # (a rating's bonus may give the most points to a label with fewer base points: no such claim)
        bonus = any(isinstance(cs.criterion.rule, RatingRule) and cs.criterion.rule.bonus for cs in card.criteria)
        if bonus or _reads_when(ruleset) or unit.reaches(unit.attempt(at_top)):
            obstacles.append(Obstacle("cannot_tell", award=goal.award, rank=goal.rank, class_id=goal.class_id))
            return replace(unanswered, cannot_help=tuple(obstacles))
        found = None
    if found is None:
        if not failing:
            obstacles.append(_why_not(unit, levers, award))
        return replace(unanswered, cannot_help=tuple(obstacles))
    after = found.ranking.unit(department)
    assert after is not None
    ahead = {u.card.department for u in evaluation.ranking.units if u.rank < before.rank}
    passed = tuple(u.card.department for u in found.ranking.units if u.card.department in ahead and u.rank > after.rank)
    tie = any(u.card.total == after.card.total and u.card.department != department for u in found.ranking.units)
    return replace(
        unanswered,
        increase=found.card.total - card.total,
        ways=_ways(unit, levers, found),
        cannot_help=tuple(obstacles),
        new_total=found.card.total,
        new_rank=after.rank,
        new_award=after.award,
        passed=passed,
        decided_by=after.decided_by if tie else None,
    )


def _at_most(target: str, levers: Sequence[_Lever], frozen: set[str]) -> bool:
    return target not in frozen and not any(lever.target == target and lever.top for lever in levers)


def _why_not(unit: _Unit, levers: Sequence[_Lever], award: Any) -> Obstacle:
    """Why even the most the unit can gain does not reach the goal."""
    found = unit.attempt(
        [Change(lever.target, lever.value_for(lever.top), lever.deduction) for lever in levers if lever.top]
    )
    if unit.goal.class_id is not None:
        return Obstacle("class_condition", class_id=unit.goal.class_id)
    if award is None:
        return Obstacle("units_ahead", rank=unit.goal.rank)
    check = next((a for a in found.ranking.awards if a.award_id == award.id and a.department == unit.department), None)
    if check is not None and not check.meets_share:
        return Obstacle("min_share", award=award.id)
    return Obstacle("quota_held", award=award.id)


def _ways(unit: _Unit, levers: Sequence[_Lever], best: _Found) -> tuple[Way, ...]:
    """The sets of fewest criteria that reach the goal, each with its own smallest increase."""
    order = {lever.target: i for i, lever in enumerate(levers)}
    if _every_way_tried(unit):  # one pass over every combination: the sets of fewest changes among them
        reaching: list[_Found] = []
        _every_split(unit, levers, reaching)
        fewest_changes = min(len(f.changes) for f in reaching)
        smallest: dict[tuple[str, ...], _Found] = {}
        for f in reaching:
            key = tuple(sorted(c.target for c in f.changes))
            if len(f.changes) == fewest_changes and (key not in smallest or f.card.total < smallest[key].card.total):
                smallest[key] = f
        ways = sorted(smallest.values(), key=lambda f: (f.card.total, [order[c.target] for c in f.changes]))
        return tuple(Way(f.changes, f.card.total - unit.card.total) for f in ways[:MOST_WAYS])
    places = unit.ruleset.rounding.places
    needed = _steps(best.card.total - unit.card.total, places)
    useful = [lever for lever in levers if lever.top]
    tops = sorted((lever.top for lever in useful), reverse=True)
    fewest = next((k for k in range(1, len(tops) + 1) if sum(tops[:k]) >= needed), len(tops))
    for size in range(fewest, len(useful) + 1):
        found: list[_Found] = []
        tried = 0
        for chosen in itertools.combinations(useful, size):
            if sum(lever.top for lever in chosen) < needed:
                continue
            tried += 1
            if tried > _MOST_SETS:
                break
            # no set does better than all the levers together: start there
            try:
                result = _smallest(unit, chosen, needed)
            except _CannotTell:
                continue
            if result is not None and len(result.changes) == size:
                found.append(result)
                if sum(f.card.total == best.card.total for f in found) >= MOST_WAYS:
                    break  # as many ways as are listed, none of which can be beaten
        if found:
            order = {lever.target: i for i, lever in enumerate(levers)}
            found.sort(key=lambda f: (f.card.total, [order[c.target] for c in f.changes]))
            return tuple(Way(f.changes, f.card.total - unit.card.total) for f in found[:MOST_WAYS])
    return (Way(best.changes, best.card.total - unit.card.total),)


# --- margins -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """Two neighbours in the ranking: the points between them, what decided it, where they differ most."""

    upper: str
    lower: str
    points: Decimal
    decided_by: str | None  # the tie-breaker that set them apart at equal totals
    differ_most: tuple[tuple[str, Decimal], ...]  # (criterion, upper's points minus lower's), largest first


@dataclass(frozen=True)
class Boundary:
    """An award's or a class's edge: the last unit in, the first one out, and the points between.

    For a class (`award` None, `class_id` set), "in" is the class or a better one, and the units are
    taken by total: the lowest total in, the highest total out.
    """

    award: str | None
    last_in: str | None
    first_out: str | None
    points: Decimal | None
    class_id: str | None = None


@dataclass(frozen=True)
class Move:
    """A unit whose rank, award or class differs (None: not ranked on that side, or no award or class)."""

    department: str
    rank: tuple[int | None, int | None]
    award: tuple[str | None, str | None]
    class_id: tuple[str | None, str | None] = (None, None)


@dataclass(frozen=True)
class Undo:
    """A review adjustment, and who would move if it alone were undone."""

    adjustment: Adjustment
    moves: tuple[Move, ...]

    @property
    def undo_changes(self) -> bool:
        return bool(self.moves)


@dataclass(frozen=True)
class Margins:
    year: int
    places: int
    pairs: tuple[Pair, ...]
    boundaries: tuple[Boundary, ...]
    adjustments: tuple[Undo, ...]


#: criteria listed per pair in `differ_most`
DIFFER_MOST = 3


def margins(
    ruleset: Ruleset, submissions: Sequence[Submission], missing: Sequence[str], review: Review | None
) -> Margins:
    """How close the year's ranking is: neighbours, award boundaries, and what each review adjustment decided."""
    evaluation = evaluate(ruleset, submissions, missing, review)
    units = evaluation.ranking.units
    pairs = []
    for upper, lower in itertools.pairwise(units):
        if upper.group != lower.group:
            continue  # groups are ranked on their own: the last of one and the first of the next are no pair
        differences = [
            (a.criterion.id, a.total - b.total)
            for a, b in zip(upper.card.criteria, lower.card.criteria, strict=True)
            if a.total != b.total
        ]
        differences.sort(key=lambda d: -abs(d[1]))
        equal = upper.card.total == lower.card.total and upper.rank != lower.rank
        pairs.append(
            Pair(
                upper.card.department,
                lower.card.department,
                upper.card.total - lower.card.total,
                lower.decided_by if equal else None,
                tuple(differences[:DIFFER_MOST]),
            )
        )
    adjustments: tuple[Undo, ...] = ()
    if review is not None:
        adjustments = tuple(_undo(evaluation, submissions, missing, review, a) for a in review.adjustments)
    return Margins(
        ruleset.year, ruleset.rounding.places, tuple(pairs), _boundaries(ruleset, evaluation.ranking), adjustments
    )


def _boundaries(ruleset: Ruleset, ranking: Ranking) -> tuple[Boundary, ...]:
    total = {u.card.department: u.card.total for u in ranking.units}
    out = []
    group_of = {u.card.department: u.group for u in ranking.units}
    for award in ruleset.awards:
        every = [a for a in ranking.awards if a.award_id == award.id]  # in ranking order
        # an award with a quota per group has an edge in each group (SPEC 7.6)
        per_group = award.exclusive and not award.across_groups and ruleset.groups
        pools = [[a for a in every if group_of[a.department] == g.id] for g in ruleset.groups] if per_group else [every]
        for checks in pools:
            granted = [i for i, a in enumerate(checks) if a.proposed]
            start = granted[-1] + 1 if granted else 0
            last_in = checks[granted[-1]].department if granted else None
            first_out = next((a.department for a in checks[start:] if not a.proposed and a.already is None), None)
            points = total[last_in] - total[first_out] if last_in and first_out else None
            out.append(Boundary(award.id, last_in, first_out, points))
    classes = [c.id for c in ruleset.classification]
    for n, class_id in enumerate(classes[:-1]):
        inside = [u for u in ranking.units if u.class_id in classes[: n + 1]]
        outside = [u for u in ranking.units if u.class_id not in classes[: n + 1]]
        low = min(inside, key=lambda u: u.card.total, default=None)
        high = max(outside, key=lambda u: u.card.total, default=None)
        gap = low.card.total - high.card.total if low is not None and high is not None else None
        out.append(
            Boundary(
                None,
                low.card.department if low else None,
                high.card.department if high else None,
                gap,
                class_id,
            )
        )
    return tuple(out)


def _undo(
    evaluation: Evaluation,
    submissions: Sequence[Submission],
    missing: Sequence[str],
    review: Review,
    adjustment: Adjustment,
) -> Undo:
    without = replace(review, adjustments=tuple(a for a in review.adjustments if a is not adjustment))
    after = evaluate(evaluation.ruleset, submissions, missing, without).ranking
    return Undo(adjustment, _moves(evaluation.ranking, after))


def _moves(before: Ranking, after: Ranking) -> tuple[Move, ...]:
    """Every unit whose rank, award or class differs between two rankings, in the order of the second."""
    old = {u.card.department: u for u in before.units}
    moves = []
    for unit in after.units:
        was = old.get(unit.card.department)
        if was is None or (was.rank, was.award, was.class_id) != (unit.rank, unit.award, unit.class_id):
            moves.append(
                Move(
                    unit.card.department,
                    (was.rank if was else None, unit.rank),
                    (was.award if was else None, unit.award),
                    (was.class_id if was else None, unit.class_id),
                )
            )
    return tuple(moves)


# --- whatif --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """`--set DEPT.ID=VALUE`: a criterion's value, or a deduction's count, for one unit."""

    department: str
    change: Change


class UnknownTarget(LookupError):
    """A `--set` naming a unit or a criterion that the year does not have."""


class _Count(Model):
    """A deduction's count, as a review's adjustment writes it."""

    count: NonNegativeWhole


def parse_setting(text: str, ruleset: Ruleset, submitted: Sequence[str]) -> tuple[Setting | None, list[Problem]]:
    """`DEPT.ID=VALUE` with VALUE in flow YAML, read and checked as a submission's value is.

    Raises UnknownTarget for an unknown unit, criterion or deduction (or a unit without a
    submission); an invalid value is a list of problems at `--set`, its column in `text`.
    """
    target, equals, written = text.partition("=")
    department, dot, name = target.partition(".")
    if not equals or not dot or not department or not name:
        raise UnknownTarget(
            _(
                "--set takes DEPARTMENT.CRITERION=VALUE, e.g. so-xay-dung.cai-cach-hanh-chinh='{{rating: tot}}';"
                " got '{text}'"
            ).format(text=text)
        )
    known = [d.id for d in ruleset.departments]
    if department not in known:
        raise UnknownTarget(
            _("unknown department '{department}'{hint}; the departments of {year} are: {known}").format(
                department=department, hint=did_you_mean(department, known), year=ruleset.year, known=", ".join(known)
            )
        )
    if department not in submitted:
        raise UnknownTarget(
            _("{department} has no submission for {year}, so it has no values to change").format(
                department=department, year=ruleset.year
            )
        )
    criterion, deduction = ruleset.criterion(name), ruleset.deduction(name)
    if criterion is None and deduction is None:
        names = [*ruleset.criterion_ids, *(d.id for d in ruleset.deductions)]
        raise UnknownTarget(
            _("'{name}' is neither a criterion nor a deduction of {year}{hint}; see `emulate rules {year}`").format(
                name=name, year=ruleset.year, hint=did_you_mean(name, names)
            )
        )
    # the value is read as the value of a one-key mapping, so that positions count from `text`
    loaded = load_text(f"{target}: {written}", "--set")
    problems = [_shifted(p, len(target)) for p in loaded.problems]
    if loaded.document is None:
        return None, problems
    document = loaded.document
    at: PathKey = (target,)
    data = document.data.get(target) if isinstance(document.data, dict) else None
    if criterion is not None:
        read, labels = read_labels(ruleset, {"criteria": {name: data}})  # `{rating: Tốt}` as in a submission
        data = read["criteria"][name]
        for path, message in labels:
            pos = document.at((*at, *path[2:]))
            problems.append(_shifted(warning(document.file, pos.line, pos.column, "W203", message), len(target)))
        value, found = validate(VALUE_MODELS[criterion.kind], data, document, at)
        problems += [_shifted(p, len(target)) for p in found]

        def report(path: PathKey, code: str, message: str, key: bool = False) -> None:
            from .problems import error

            pos = document.key_at(path) if key else document.at(path)
            problems.append(_shifted(error(document.file, pos.line, pos.column, code, message), len(target)))

        if value is None or check_value(criterion, value, at, report):
            return None, problems
        return Setting(department, Change(name, value)), problems
    count, found = validate(_Count, {"count": data}, document, at)
    problems += [_shifted(p, len(target)) for p in found]
    if count is None:
        return None, problems
    return Setting(department, Change(name, count.count, deduction=True)), problems


def _shifted(problem: Problem, key_length: int) -> Problem:
    """A position in `KEY: VALUE` as a position in `KEY=VALUE` (one character shorter after the key)."""
    if problem.line == 1 and problem.column > key_length + 1:
        return replace(problem, column=problem.column - 1)
    return problem


@dataclass(frozen=True)
class Shift:
    """One unit whose rank, total or award moved (None: not ranked on that side)."""

    department: str
    rank: tuple[int | None, int | None]
    total: tuple[Decimal | None, Decimal | None]
    award: tuple[str | None, str | None]
    class_id: tuple[str | None, str | None] = (None, None)


@dataclass(frozen=True)
class WhatIf:
    year: int
    places: int
    changes: tuple[Shift, ...]
    before: Evaluation
    after: Evaluation
    # under another ruleset: the criteria it scores 0 for want of a value, and the units concerned
    unscored: tuple[tuple[str, tuple[str, ...]], ...] = ()


def whatif(
    ruleset: Ruleset,
    submissions: Sequence[Submission],
    missing: Sequence[str],
    review: Review | None,
    settings: Sequence[Setting] = (),
    rules: Ruleset | None = None,
) -> WhatIf:
    """The year re-scored with some values changed (on top of the review's), or under another ruleset."""
    from .diff import adapt

    before = evaluate(ruleset, submissions, missing, review)
    changed = []
    for submission in submissions:
        own = review.for_department(submission.department) if review is not None else ()
        extra = tuple(_as_adjustment(s) for s in settings if s.department == submission.department)
        changed.append(apply_review(submission, (*own, *extra)))
    after_rules = rules if rules is not None else ruleset
    unscored: dict[str, list[str]] = {}
    if rules is not None:
        listed = {d.id for d in rules.departments}
        adapted = []
        for submission in changed:
            if submission.department in listed:
                scorable, missing_inputs, _ignored = adapt(submission, rules, ruleset)
                adapted.append(scorable)
                for note in missing_inputs:
                    unscored.setdefault(note.name, []).append(submission.department)
        changed = adapted
    present = {s.department for s in changed}
    after = evaluate(after_rules, changed, [d.id for d in after_rules.departments if d.id not in present])
    return WhatIf(
        ruleset.year,
        after_rules.rounding.places,
        _shifts(before.ranking, after.ranking),
        before,
        after,
        tuple((name, tuple(units)) for name, units in unscored.items()),
    )


def _as_adjustment(setting: Setting) -> Adjustment:
    change = setting.change
    if change.deduction:
        return Adjustment(setting.department, "", deduction=change.target, count=change.value)
    value: CriterionValue = change.value
    return Adjustment(setting.department, "", criterion=change.target, value=value)


def _shifts(before: Ranking, after: Ranking) -> tuple[Shift, ...]:
    old = {u.card.department: u for u in before.units}
    new = {u.card.department: u for u in after.units}
    order = [u.card.department for u in after.units] + [d for d in old if d not in new]
    shifts = []
    for department in order:
        was, now = old.get(department), new.get(department)
        side_old = (was.rank, was.card.total, was.award, was.class_id) if was else (None, None, None, None)
        side_new = (now.rank, now.card.total, now.award, now.class_id) if now else (None, None, None, None)
        if side_old != side_new:
            shifts.append(
                Shift(
                    department,
                    (side_old[0], side_new[0]),
                    (side_old[1], side_new[1]),
                    (side_old[2], side_new[2]),
                    (side_old[3], side_new[3]),
                )
            )
    return tuple(shifts)
