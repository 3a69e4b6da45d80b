"""`percent`: a completion rate, `max` points at 100 %.

Parameter: `max`. A value is `percent:` from 0 to 100; it scores max·percent/100.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from ..arithmetic import HUNDRED, number, plain, round_points
from ..fields import NonNegative, Positive, show
from ..i18n import _
from ..yamlio import PathKey
from .base import Reach, RuleBase, Scored, Value, step_of, written

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..engine import CriterionScore


def _at_most_100(value: Decimal) -> Decimal:
    if value > 100:
        raise PydanticCustomError("E205", _("must be at most 100 (a percentage), got {got}"), {"got": show(value)})
    return value


Percent = Annotated[NonNegative, AfterValidator(_at_most_100)]


class PercentValue(Value):
    percent: Percent


class PercentRule(RuleBase):
    """A completion rate: `max` points at 100 %."""

    VALUE = PercentValue

    kind: Literal["percent"]
    max: Positive

    @property
    def max_points(self) -> Decimal:
        return self.max

    def bounds(self, at: PathKey) -> Iterator[tuple[PathKey, Decimal]]:
        yield (*at, "max"), self.max

    def describe(self) -> str:
        return _("percent done × {maximum}").format(maximum=plain(self.max))

    def example(self) -> str:
        return _("{{percent: ...}} from 0 to 100").format()

    def value_schema(self) -> tuple[str, dict[str, Any]]:
        return "percent", {"type": "number", "minimum": 0, "maximum": 100}

    def doubts(self, value: Any) -> list[tuple[str, str]]:
        """`percent: 0.95` is Excel's 95 %, and scores 0.95 % of the maximum."""
        assert isinstance(value, PercentValue)
        if not 0 < value.percent <= 1:
            return []
        meant = f"{(value.percent * HUNDRED).normalize():f}"
        return [
            (
                "percent",
                _(
                    "percent {got} is read as {got} %, not {meant} %: the value is a percentage from 0 to 100,"
                    " so for {meant} % write `percent: {meant}` (if {got} % is right, leave it)"
                ).format(got=plain(value.percent), meant=meant),
            )
        ]

    def template_lines(self) -> list[str]:
        return ["    percent:       # " + _("from 0 to {maximum}").format(maximum=100)]

    def score(self, value: Any, places: int) -> Scored:
        assert isinstance(value, PercentValue)
        return Scored(round_points(self.max * value.percent / HUNDRED, places))

    def reach(self, value: Any, places: int) -> Reach:
        """Every total on the grid up to `max`: the smallest percentage that gives it."""
        assert isinstance(value, PercentValue)
        now, top, step = self.score(value, places).points, round_points(self.max, places), step_of(places)

        def scores(percent: Decimal) -> Decimal:
            return round_points(self.max * percent / HUNDRED, places)

        def value_for(total: Decimal) -> Any:
            percent = min(HUNDRED, written((total - step / 2) * HUNDRED / self.max, scores, total))
            return value.model_copy(update={"percent": percent})

        return Reach(((now + step, top),) if now < top else (), value_for)

    def explain(self, score: CriterionScore, places: int) -> list[str]:
        assert isinstance(score.value, PercentValue)
        return [f"{plain(self.max)} × {plain(score.value.percent)} / 100 = {number(score.points, places)}"]
