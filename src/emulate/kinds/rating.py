"""`rating`: a rating on a scale of labels, best first, with an optional bonus from a label up.

Parameters: `scale` (label → points, best first) and `bonus` (optional,
`{at_least: label, points}`). A value is `rating: label`; it scores the label's
points, plus the bonus when the label is at or above `at_least`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from ..arithmetic import ZERO, number, plain, round_points
from ..fields import Id, Model, NonNegative, Positive, Text, did_you_mean, show, suggest
from ..i18n import _
from ..yamlio import PathKey
from .base import Fail, Report, RuleBase, Scored, Value

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..engine import CriterionScore


class RatingValue(Value):
    rating: Text


class RatingBonus(Model):
    at_least: Id
    points: Positive


class RatingRule(RuleBase):
    """A rating on a scale of labels, best first, with an optional bonus from a label up."""

    VALUE = RatingValue
    ordered = ("scale",)  # best first

    kind: Literal["rating"]
    scale: dict[str, NonNegative] = Field(min_length=1)
    bonus: RatingBonus | None = None

    @property
    def max_points(self) -> Decimal:
        return max(self.scale.values())

    @property
    def max_bonus(self) -> Decimal:
        return self.bonus.points if self.bonus is not None else ZERO

    def earns_bonus(self, label: str) -> bool:
        if self.bonus is None or self.bonus.at_least not in self.scale:
            return False
        labels = list(self.scale)
        return labels.index(label) <= labels.index(self.bonus.at_least)

    def check(self, at: PathKey, report: Report) -> None:
        points = list(self.scale.items())
        for (better, better_points), (label, label_points) in zip(points, points[1:], strict=False):
            if label_points > better_points:
                report(
                    (*at, "scale", label),
                    "E304",
                    _(
                        "the scale lists labels best first, but '{label}' ({label_points}) is worth more than '{better}' ({better_points}) before it"
                    ).format(label=label, label_points=label_points, better=better, better_points=better_points),
                )
        if self.bonus is not None and self.bonus.at_least not in self.scale:
            report(
                (*at, "bonus", "at_least"),
                "E304",
                _("bonus label '{label}' is not in the scale{hint}; the labels are {labels}").format(
                    label=self.bonus.at_least,
                    hint=did_you_mean(self.bonus.at_least, self.scale),
                    labels=", ".join(self.scale),
                ),
            )

    def bounds(self, at: PathKey) -> Iterator[tuple[PathKey, Decimal]]:
        yield from (((*at, "scale", label), points) for label, points in self.scale.items())
        if self.bonus is not None:
            yield (*at, "bonus", "points"), self.bonus.points

    def describe(self) -> str:
        text = ", ".join(f"{label} {plain(points)}" for label, points in self.scale.items())
        if self.bonus is not None:
            text += _("; bonus {points} at {level} or better").format(
                points=plain(self.bonus.points), level=self.bonus.at_least
            )
        return text

    def example(self) -> str:
        return _("{{rating: ...}} with one of {labels}").format(labels=", ".join(self.scale))

    def check_value(self, no: str, value: Any, at: PathKey, fail: Fail) -> None:
        assert isinstance(value, RatingValue)
        if value.rating not in self.scale:
            guess = suggest(value.rating, self.scale)
            hint = " " + _("(did you mean '{guess}'?)").format(guess=guess) if guess else ""
            fail(
                (*at, "rating"),
                "E207",
                _("rating {rating} is not on the scale of criterion {no}{hint}; write one of {labels}").format(
                    rating=show(value.rating), no=no, hint=hint, labels=", ".join(self.scale)
                ),
            )

    def value_schema(self) -> tuple[str, dict[str, Any]]:
        return "rating", {"enum": list(self.scale)}

    def template_lines(self) -> list[str]:
        return ["    rating:        # " + _("one of: {ratings}").format(ratings=", ".join(self.scale))]

    def score(self, value: Any, places: int) -> Scored:
        assert isinstance(value, RatingValue)
        bonus = self.bonus.points if self.bonus is not None and self.earns_bonus(value.rating) else ZERO
        return Scored(round_points(self.scale[value.rating], places), round_points(bonus, places))

    def explain(self, score: CriterionScore, places: int) -> list[str]:
        assert isinstance(score.value, RatingValue)
        text = _("rating {rating} = {points}").format(rating=score.value.rating, points=number(score.points, places))
        if self.bonus is not None:
            text += (
                _("; bonus {bonus} (rated {level} or better)").format(
                    bonus=number(score.bonus, places), level=self.bonus.at_least
                )
                if score.bonus
                else _("; no bonus (below {level})").format(level=self.bonus.at_least)
            )
        return [text]
