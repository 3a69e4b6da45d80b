"""`rating`: a rating on a scale of labels, best first, with an optional bonus.

Parameters: `scale` (label → points, or label → `{title, points}` where the label
has a title to show, such as `tot: {title: Tốt, points: 25}`; best first) and `bonus` (optional): either
`{at_least: label, points}`, the points for that label and every better one, or a
map from labels to bonus points, `{xuat-sac: 10, tot: 5}` (SPEC 7.1; labels not
listed earn none). A value is `rating: label`; it scores the label's points plus
its bonus.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from ..arithmetic import ZERO, number, plain, round_points
from ..fields import Id, Model, NonNegative, Positive, Text, did_you_mean, show, suggest
from ..i18n import _
from ..yamlio import PathKey
from .base import Fail, FormCell, FormRow, Reach, Report, RuleBase, Scored, Value, spans_of

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..engine import CriterionScore


class RatingValue(Value):
    rating: Text


class ScaleLabel(Model):
    """A label of a scale with its title, the words a regulation uses (SPEC 8)."""

    title: Text
    points: NonNegative


def _label_form(value: Any) -> str:
    """Whether a scale entry is written `label: points` or `label: {title, points}`."""
    return "titled" if isinstance(value, (dict, ScaleLabel)) else "points"


ScaleEntry = Annotated[
    Annotated[NonNegative, Tag("points")] | Annotated[ScaleLabel, Tag("titled")], Discriminator(_label_form)
]


class RatingBonus(Model):
    at_least: Id
    points: Positive


def _bonus_form(value: Any) -> str:
    """Which form a `bonus` is written in: the ladder `{at_least, points}`, or a map of labels."""
    if isinstance(value, RatingBonus):
        return "ladder"
    return "ladder" if isinstance(value, dict) and ("at_least" in value or "points" in value) else "map"


BonusMap = dict[str, Positive]
Bonus = Annotated[Annotated[RatingBonus, Tag("ladder")] | Annotated[BonusMap, Tag("map")], Discriminator(_bonus_form)]


class RatingRule(RuleBase):
    """A rating on a scale of labels, best first, with an optional bonus from a label up."""

    VALUE = RatingValue
    ordered = ("scale",)  # best first

    kind: Literal["rating"]
    scale: dict[str, ScaleEntry] = Field(min_length=1)
    bonus: Bonus | None = None

    @property
    def points(self) -> dict[str, Decimal]:
        """Each label's points, best first, whether or not the scale gives titles."""
        return {label: entry.points if isinstance(entry, ScaleLabel) else entry for label, entry in self.scale.items()}

    @property
    def titles(self) -> dict[str, str]:
        """The titles of the labels that have one."""
        return {label: entry.title for label, entry in self.scale.items() if isinstance(entry, ScaleLabel)}

    def title_of(self, label: str) -> str:
        """A label as people read it: its title where the scale gives one, else the label itself."""
        return self.titles.get(label, label)

    def form_rows(self) -> list[FormRow]:
        """The Excel form lists the labels as officers read them (the titles, SPEC 8), each standing for its id.

        Titles that two labels share, or that hold a comma (a list of Excel's is comma-separated), are not
        a list of their own: then the ids are listed.
        """
        labels = tuple(self.points)
        shown = tuple(self.title_of(label) for label in labels)
        if len(set(shown)) < len(shown) or any("," in title for title in shown):
            shown = labels
        return [FormRow((FormCell(("rating",), "choice", choices=shown, values=labels),), evidence=("evidence",))]

    def comparable(self) -> dict[str, Any]:
        """The parameters as `diff-rules` compares them: a label's points and its title apart."""
        dumped = super().comparable()
        dumped["scale"] = self.points
        if self.titles:
            dumped["titles"] = self.titles
        return dumped

    @property
    def max_points(self) -> Decimal:
        return max(self.points.values())

    @property
    def max_bonus(self) -> Decimal:
        if isinstance(self.bonus, RatingBonus):
            return self.bonus.points
        return max(self.bonus.values(), default=ZERO) if self.bonus else ZERO

    def bonus_for(self, label: str) -> Decimal:
        """The bonus a label earns (unrounded)."""
        if isinstance(self.bonus, RatingBonus):
            if self.bonus.at_least not in self.scale:
                return ZERO
            labels = list(self.scale)
            return self.bonus.points if labels.index(label) <= labels.index(self.bonus.at_least) else ZERO
        return self.bonus.get(label, ZERO) if self.bonus else ZERO

    def check(self, at: PathKey, report: Report) -> None:
        points = list(self.points.items())
        for (better, better_points), (label, label_points) in itertools.pairwise(points):
            if label_points > better_points:
                report(
                    (*at, "scale", label),
                    "E304",
                    _(
                        "the scale lists labels best first, but '{label}' ({label_points}) is worth more than"
                        " '{better}' ({better_points}) before it"
                    ).format(label=label, label_points=label_points, better=better, better_points=better_points),
                )
        if isinstance(self.bonus, dict):
            for label in self.bonus:
                if label not in self.scale:
                    report(
                        (*at, "bonus", label),
                        "E304",
                        _("bonus label '{label}' is not in the scale{hint}; the labels are {labels}").format(
                            label=label, hint=did_you_mean(label, self.scale), labels=", ".join(self.scale)
                        ),
                    )
        elif self.bonus is not None and self.bonus.at_least not in self.scale:
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
        for label, entry in self.scale.items():
            yield (
                ((*at, "scale", label, "points") if isinstance(entry, ScaleLabel) else (*at, "scale", label)),
                (self.points[label]),
            )
        if isinstance(self.bonus, RatingBonus):
            yield (*at, "bonus", "points"), self.bonus.points
        elif self.bonus:
            yield from (((*at, "bonus", label), points) for label, points in self.bonus.items())

    def describe(self) -> str:
        text = ", ".join(f"{self.title_of(label)} {plain(points)}" for label, points in self.points.items())
        if isinstance(self.bonus, RatingBonus):
            text += _("; bonus {points} at {level} or better").format(
                points=plain(self.bonus.points), level=self.title_of(self.bonus.at_least)
            )
        elif self.bonus:
            text += _("; bonus {bonuses}").format(
                bonuses=", ".join(f"{self.title_of(label)} {plain(points)}" for label, points in self.bonus.items())
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
        schema: dict[str, Any] = {"enum": list(self.scale)}
        if self.titles:
            schema["description"] = ", ".join(f"{label}: {self.title_of(label)}" for label in self.scale)
        return "rating", schema

    def template_lines(self) -> list[str]:
        ratings = ", ".join(
            f"{label} ({self.titles[label]})" if label in self.titles else label for label in self.scale
        )
        return ["    rating:        # " + _("one of: {ratings}").format(ratings=ratings)]

    def score(self, value: Any, places: int) -> Scored:
        assert isinstance(value, RatingValue)
        return Scored(
            round_points(self.points[value.rating], places), round_points(self.bonus_for(value.rating), places)
        )

    def reach(self, value: Any, places: int) -> Reach:
        """The totals of the labels above the one given; for a total, the lowest label that scores it."""
        assert isinstance(value, RatingValue)
        totals: dict[str, Decimal] = {}
        base: dict[str, Decimal] = {}
        for label in self.scale:
            scored = self.score(RatingValue(rating=label), places)
            totals[label], base[label] = scored.points + scored.bonus, scored.points
        now = totals[value.rating]

        def value_for(total: Decimal) -> Any:
            # the lowest total that is enough; of labels with that total (a bonus map may give two), the one
            # with the most base points (tie-breakers and criterion shares read those), then the worst
            enough = [(t, -base[label], -i, label) for i, (label, t) in enumerate(totals.items()) if t >= total]
            return value.model_copy(update={"rating": min(enough)[3]}) if enough else None

        return Reach(spans_of(totals.values(), now), value_for)

    def explain(self, score: CriterionScore, places: int) -> list[str]:
        assert isinstance(score.value, RatingValue)
        text = _("rating {rating} = {points}").format(
            rating=self.title_of(score.value.rating), points=number(score.points, places)
        )
        if isinstance(self.bonus, RatingBonus):
            text += (
                _("; bonus {bonus} (rated {level} or better)").format(
                    bonus=number(score.bonus, places), level=self.title_of(self.bonus.at_least)
                )
                if score.bonus
                else _("; no bonus (below {level})").format(level=self.title_of(self.bonus.at_least))
            )
        elif self.bonus:
            text += (
                _("; bonus {bonus} for {label}").format(
                    bonus=number(score.bonus, places), label=self.title_of(score.value.rating)
                )
                if score.bonus
                else _("; no bonus for {label}").format(label=self.title_of(score.value.rating))
            )
        return [text]
