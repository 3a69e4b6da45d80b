"""`assessed`: points from 0 to `max`, assessed by the unit and cross-checked by the bloc.

Parameter: `max`. A value is `points:` from 0 to max; it scores the points.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from ..arithmetic import number, plain, round_points
from ..fields import NonNegative, Positive, show
from ..i18n import _
from ..yamlio import PathKey
from .base import Fail, Reach, RuleBase, Scored, Value, step_of

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..engine import CriterionScore


class AssessedValue(Value):
    points: NonNegative


def _bound(value: Decimal) -> int | float:
    # JSON Schema bounds are JSON numbers; this one comes from the ruleset, not from points
    return int(value) if value == value.to_integral_value() else float(str(value))  # float ok: a schema bound


class AssessedRule(RuleBase):
    """Points from 0 to `max`, assessed by the unit and cross-checked by the bloc."""

    VALUE = AssessedValue

    kind: Literal["assessed"]
    max: Positive

    @property
    def max_points(self) -> Decimal:
        return self.max

    def bounds(self, at: PathKey) -> Iterator[tuple[PathKey, Decimal]]:
        yield (*at, "max"), self.max

    def describe(self) -> str:
        return _("assessed, 0 to {maximum}").format(maximum=plain(self.max))

    def example(self) -> str:
        return _("{{points: ...}} from 0 to {max}").format(max=self.max)

    def check_value(self, no: str, value: Any, at: PathKey, fail: Fail) -> None:
        assert isinstance(value, AssessedValue)
        if value.points > self.max:
            fail(
                (*at, "points"),
                "E205",
                _("'points' must be at most {max} (the maximum of criterion {no}), got {got}").format(
                    max=self.max, no=no, got=show(value.points)
                ),
            )

    def value_schema(self) -> tuple[str, dict[str, Any]]:
        return "points", {"type": "number", "minimum": 0, "maximum": _bound(self.max)}

    def template_lines(self) -> list[str]:
        return ["    points:        # " + _("from 0 to {maximum}").format(maximum=f"{self.max:f}")]

    def score(self, value: Any, places: int) -> Scored:
        assert isinstance(value, AssessedValue)
        return Scored(round_points(value.points, places))

    def reach(self, value: Any, places: int) -> Reach:
        """Any points on the grid up to the maximum: the points themselves."""
        assert isinstance(value, AssessedValue)
        now, top = round_points(value.points, places), round_points(self.max, places)
        spans = ((now + step_of(places), top),) if now < top else ()
        return Reach(spans, lambda total: value.model_copy(update={"points": total}))

    def explain(self, score: CriterionScore, places: int) -> list[str]:
        assert isinstance(score.value, AssessedValue)
        return [
            _("assessed {given} of {maximum} → {points}").format(
                given=plain(score.value.points), maximum=plain(self.max), points=number(score.points, places)
            )
        ]
