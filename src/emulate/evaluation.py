"""A year's evaluation, pure: apply the review, score every unit, rank, and note what the review changed.

This is what `emulate score`, `verify` and `history` all compute; they differ
only in how they show it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from .engine import Bests, Ranking, ScoreCard, bests, rank, score
from .review import Adjustment, AdjustmentEffect, Review, apply_review
from .ruleset import Ruleset
from .submission import Submission


@dataclass(frozen=True)
class Evaluation:
    ruleset: Ruleset
    ranking: Ranking
    review: Review | None  # the review applied, if any
    effects: tuple[AdjustmentEffect, ...]  # per adjustment: self-declared and reviewed points
    self_declared: bool = False  # ranked the self-declared values on purpose (`score --self`): outputs say so

    @property
    def missing(self) -> tuple[str, ...]:
        return self.ranking.missing

    def effects_for(self, department: str) -> tuple[AdjustmentEffect, ...]:
        return tuple(e for e in self.effects if e.adjustment.department == department)


def evaluate(
    ruleset: Ruleset,
    submissions: Sequence[Submission],
    missing: Sequence[str] = (),
    review: Review | None = None,
    self_declared: bool = False,
) -> Evaluation:
    """Rank the reviewed values (or the self-declared ones when `review` is None; `self_declared`: on purpose).

    The bests of `relative` criteria are taken among the reviewed values; a unit's
    self-declared points (for the review's effects) among the self-declared ones.
    """
    cards: list[ScoreCard] = []
    effects: list[AdjustmentEffect] = []
    reviewed = [apply_review(s, review.for_department(s.department) if review is not None else ()) for s in submissions]
    reviewed_bests = bests(ruleset, reviewed)
    declared_bests = bests(ruleset, submissions) if review is not None else reviewed_bests
    for submission, adjusted in zip(submissions, reviewed, strict=True):
        adjustments = review.for_department(submission.department) if review is not None else ()
        card, mine = _scored(ruleset, submission, adjusted, adjustments, reviewed_bests, declared_bests)
        cards.append(card)
        effects += mine
    ranking = rank(ruleset, cards, missing)
    return Evaluation(
        ruleset, ranking, review, in_order(effects, [u.card.department for u in ranking.units]), self_declared
    )


def score_unit(
    ruleset: Ruleset, submission: Submission, adjustments: Sequence[Adjustment] = ()
) -> tuple[ScoreCard, list[AdjustmentEffect]]:
    """One unit's card and the review's effects on it, where the ruleset scores each unit alone
    (`Ruleset.scores_alone`: no compared criterion): what `evaluate` does for each unit."""
    alone = bests(ruleset, ())
    return _scored(ruleset, submission, apply_review(submission, adjustments), adjustments, alone, alone)


def in_order(effects: Sequence[AdjustmentEffect], departments: Sequence[str]) -> tuple[AdjustmentEffect, ...]:
    """The review's effects in the ranking's order of units (`departments`), each unit's by line."""
    order = {department: i for i, department in enumerate(departments)}
    return tuple(sorted(effects, key=lambda e: (order.get(e.adjustment.department, 0), e.adjustment.line)))


def _scored(
    ruleset: Ruleset,
    submission: Submission,
    adjusted: Submission,
    adjustments: Sequence[Adjustment],
    reviewed_bests: Bests,
    declared_bests: Bests,
) -> tuple[ScoreCard, list[AdjustmentEffect]]:
    """The reviewed card (`adjusted` is the submission with the review applied) and the review's effects."""
    card = score(ruleset, adjusted, reviewed_bests)
    if not adjustments:
        return card, []
    self_card = score(ruleset, submission, declared_bests)
    return _with_declared(card, self_card, adjustments), _effects(ruleset, self_card, card, adjustments)


def _with_declared(card: ScoreCard, self_card: ScoreCard, adjustments: Sequence[Adjustment]) -> ScoreCard:
    """The reviewed card, each corrected criterion also carrying what the self-declared value scores."""
    changed = {a.criterion for a in adjustments if a.criterion is not None}
    if not changed:
        return card
    criteria = tuple(
        replace(c, declared=self_card.criterion(c.criterion.id).total) if c.criterion.id in changed else c
        for c in card.criteria
    )
    return replace(card, criteria=criteria)


def _effects(
    ruleset: Ruleset, self_card: ScoreCard, reviewed: ScoreCard, adjustments: Sequence[Adjustment]
) -> list[AdjustmentEffect]:
    out = []
    for adjustment in adjustments:
        if adjustment.criterion is not None:
            criterion = ruleset.criterion(adjustment.criterion)
            assert criterion is not None
            out.append(
                AdjustmentEffect(
                    adjustment,
                    criterion.no,
                    criterion.title,
                    self_card.criterion(criterion.id).total,
                    reviewed.criterion(criterion.id).total,
                )
            )
        else:
            deduction = ruleset.deduction(adjustment.deduction or "")
            assert deduction is not None
            before = next(d.points for d in self_card.deductions if d.deduction_id == deduction.id)
            after = next(d.points for d in reviewed.deductions if d.deduction_id == deduction.id)
            out.append(AdjustmentEffect(adjustment, deduction.id, deduction.title, before, after))
    return out
