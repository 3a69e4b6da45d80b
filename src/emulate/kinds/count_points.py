"""`count_points`: `per` points for each occurrence, at most `cap`.

Parameters: `per`, `cap`. A value is `count:`, a whole number ≥ 0; it scores
min(cap, per·count).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING, Any, Literal

from ..arithmetic import ZERO, number, plain, round_points
from ..fields import Positive
from ..i18n import _
from ..yamlio import PathKey
from .base import CountValue, Reach, RuleBase, Scored, cut_off, spans_of

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..engine import CriterionScore


#: how many counts `reach` lists at most (a cap of 1000 at 0.01 each would be 100000)
_MOST_LEVELS = 10_000


class CountPointsRule(RuleBase):
    """`per` points for each occurrence, at most `cap`."""

    VALUE = CountValue

    kind: Literal["count_points"]
    per: Positive
    cap: Positive

    @property
    def max_points(self) -> Decimal:
        return self.cap

    @property
    def counted(self) -> bool:
        return True

    def bounds(self, at: PathKey) -> Iterator[tuple[PathKey, Decimal]]:
        yield (*at, "cap"), self.cap

    def describe(self) -> str:
        return _("{per} per occurrence, at most {cap}").format(per=plain(self.per), cap=plain(self.cap))

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
        raw = self.per * value.count
        return Scored(
            round_points(min(self.cap, raw), places), lost_to_cap=round_points(max(ZERO, raw - self.cap), places)
        )

    def reach(self, value: Any, places: int) -> Reach:
        """More occurrences, up to the cap; for a total, the fewest occurrences that give it."""
        assert isinstance(value, CountValue)
        # the cap is reached at cap / per occurrences; a ladder longer than _MOST_LEVELS is cut short
        last = max(
            value.count,
            min(int((self.cap / self.per).to_integral_value(rounding=ROUND_CEILING)), value.count + _MOST_LEVELS),
        )
        totals = {count: self.score(CountValue(count=count), places).points for count in range(value.count, last + 1)}
        now = totals[value.count]

        def value_for(total: Decimal) -> Any:
            count = min((count for count, points in totals.items() if points >= total), default=None)
            return None if count is None else value.model_copy(update={"count": count})

        return Reach(spans_of(totals.values(), now), value_for)

    def explain(self, score: CriterionScore, places: int) -> list[str]:
        assert isinstance(score.value, CountValue)
        count = score.value.count
        text = _("{per} × {count} = {product}, at most {cap} → {points}").format(
            per=plain(self.per),
            count=count,
            product=plain(self.per * count),
            cap=plain(self.cap),
            points=number(score.points, places),
        )
        return [text + (cut_off(score.lost_to_cap, places) if score.lost_to_cap else "")]
