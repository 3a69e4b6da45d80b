"""`count_points`: `per` points for each occurrence, at most `cap`.

Parameters: `per`, `cap`. A value is `count:`, a whole number ≥ 0; it scores
min(cap, per·count).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from ..arithmetic import ZERO, number, plain, round_points
from ..fields import Positive
from ..i18n import _
from ..yamlio import PathKey
from .base import CountValue, RuleBase, Scored, cut_off

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..engine import CriterionScore


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
