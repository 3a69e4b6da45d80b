"""`count_penalty`: `max` points, less `per` for each occurrence, never below 0.

Parameters: `max`, `per`. A value is `count:`, a whole number ≥ 0; it scores
max(0, max − per·count).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING, Any, Literal

from ..arithmetic import ZERO, number, plain, round_points
from ..fields import Positive
from ..i18n import _
from ..yamlio import PathKey
from .base import CountValue, Reach, RuleBase, Scored, spans_of

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..engine import CriterionScore


class CountPenaltyRule(RuleBase):
    """`max` points, less `per` for each occurrence, never below 0."""

    VALUE = CountValue

    kind: Literal["count_penalty"]
    max: Positive
    per: Positive

    @property
    def max_points(self) -> Decimal:
        return self.max

    @property
    def counted(self) -> bool:
        return True

    def bounds(self, at: PathKey) -> Iterator[tuple[PathKey, Decimal]]:
        yield (*at, "max"), self.max

    def describe(self) -> str:
        return _("{maximum}, less {per} per occurrence, not below 0").format(
            maximum=plain(self.max), per=plain(self.per)
        )

    def example(self) -> str:
        return _("{{count: ...}} a whole number, 0 or more").format()

    def count_of(self, value: Any) -> int:
        assert isinstance(value, CountValue)
        return value.count

    def value_schema(self) -> tuple[str, dict[str, Any]]:
        return "count", {"type": "integer", "minimum": 0}

    def template_lines(self) -> list[str]:
        return ["    count:         # " + _("how many (a whole number, 0 if none)")]

    def score(self, value: Any, places: int) -> Scored:
        assert isinstance(value, CountValue)
        raw = self.max - self.per * value.count
        return Scored(round_points(max(ZERO, raw), places), lost_to_cap=round_points(max(ZERO, -raw), places))

    def reach(self, value: Any, places: int) -> Reach:
        """Fewer occurrences, down to none; for a total, the most occurrences that still give it."""
        assert isinstance(value, CountValue)
        # beyond max / per occurrences every count scores 0: start there
        first = min(value.count, int((self.max / self.per).to_integral_value(rounding=ROUND_CEILING)))
        totals = {count: self.score(CountValue(count=count), places).points for count in range(first, -1, -1)}
        now = self.score(value, places).points

        def value_for(total: Decimal) -> Any:
            count = max((count for count, points in totals.items() if points >= total), default=None)
            return None if count is None else value.model_copy(update={"count": count})

        return Reach(spans_of(totals.values(), now), value_for)

    def explain(self, score: CriterionScore, places: int) -> list[str]:
        assert isinstance(score.value, CountValue)
        count = score.value.count
        return [
            _("{maximum} − {per} × {count} = {result}, not below 0 → {points}").format(
                maximum=plain(self.max),
                per=plain(self.per),
                count=count,
                result=plain(self.max - self.per * count),
                points=number(score.points, places),
            )
        ]
