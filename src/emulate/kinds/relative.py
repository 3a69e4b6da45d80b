"""`relative`: points against the best unit, "đơn vị cao nhất đạt điểm tối đa, các đơn vị khác tính tỷ lệ" (SPEC 7.1).

Parameters: `max` (> 0, on the rounding grid) and `direction: higher|lower`
(default higher). A value is `value: N` (≥ 0). The only kind whose points
depend on the other units: the best is taken among the units ranked together
(the same group, SPEC 7.6; all units without groups), and the engine gives it
(`engine.bests`).

- higher: max × value / best, the best being the highest value; all 0 when
  the best is 0;
- lower: max × best / value, the best being the lowest value; a value of 0
  gets max.

Intermediates are decimal; the points are rounded half up to `places`. Never
divides by zero. `check-rules` warns (W302) when a `counts_as: deduction`
criterion is `direction: higher`: the best unit would lose the most.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from ..arithmetic import ZERO, number, plain, round_points
from ..fields import NonNegative, Positive
from ..i18n import _
from ..yamlio import PathKey
from .base import Best, NoBest, Reach, Report, RuleBase, Scored, Value, step_of, written

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..engine import CriterionScore


class RelativeValue(Value):
    value: NonNegative


class RelativeRule(RuleBase):
    """Points in proportion to the best unit's value: `max` to the best."""

    VALUE = RelativeValue
    compared = True

    kind: Literal["relative"]
    max: Positive
    direction: Literal["higher", "lower"] = "higher"

    @property
    def max_points(self) -> Decimal:
        return self.max

    def compared_value(self, value: Any) -> Decimal:
        assert isinstance(value, RelativeValue)
        return value.value

    def better(self, a: Decimal, b: Decimal) -> bool:
        """Whether value `a` is better than `b` under the direction."""
        return a > b if self.direction == "higher" else a < b

    def bounds(self, at: PathKey) -> Iterator[tuple[PathKey, Decimal]]:
        yield (*at, "max"), self.max

    def check_counts_as(self, at: PathKey, counts_as: str, report: Report) -> None:
        if counts_as == "deduction" and self.direction == "higher":
            report(
                (*at[:-1], "counts_as"),  # `direction: higher` is the default, maybe not written
                "W302",
                _(
                    "a deduction with `direction: higher` takes the most from the unit with the highest value:"
                    " if a lower value is better, write `direction: lower`"
                ).format(),
            )

    def describe(self) -> str:
        if self.direction == "lower":
            return _("{maximum} × lowest value / value (the lowest value gets {maximum})").format(
                maximum=plain(self.max)
            )
        return _("{maximum} × value / highest value (the highest value gets {maximum})").format(maximum=plain(self.max))

    def example(self) -> str:
        return _("{{value: ...}} a number, 0 or more").format()

    def value_schema(self) -> tuple[str, dict[str, Any]]:
        return "value", {"type": "number", "minimum": 0}

    def template_lines(self) -> list[str]:
        best = _("the highest is best") if self.direction == "higher" else _("the lowest is best")
        return [f"    value:         # {_('a number, 0 or more')} ({best})"]

    def _points(self, value: Decimal, best: Decimal) -> Decimal:
        """The unrounded points of `value` against `best`."""
        if self.direction == "higher":
            return self.max * value / best if best else ZERO
        return self.max * best / value if value else self.max

    def score(self, value: Any, places: int) -> Scored:
        raise NoBest(_("a `relative` rule needs the best value of the units ranked together").format())

    def score_against(self, value: Any, places: int, best: Best | None) -> Scored:
        assert isinstance(value, RelativeValue)
        if best is None:
            raise NoBest(_("a `relative` rule needs the best value of the units ranked together").format())
        # a value better than the best (only in `gap` and `whatif`, where it becomes the best) gets max
        top = value.value if self.better(value.value, best.value) else best.value
        return Scored(round_points(self._points(value.value, top), places))

    def reach_against(self, value: Any, places: int, best: Best | None) -> Reach:
        """Every total on the grid up to `max`, with the value nearest to the given one that scores it,
        the best as it is; a value beyond the best makes it the best (and moves the others' points)."""
        assert isinstance(value, RelativeValue)
        if best is None:
            return Reach()
        now = self.score_against(value, places, best).points
        top, step = round_points(self.max, places), step_of(places)
        if now >= top:
            return Reach()

        def scores(v: Decimal) -> Decimal:
            return self.score_against(RelativeValue(value=v), places, best).points

        def value_for(total: Decimal) -> Any:
            if self.direction == "higher":
                if not best.value:  # every unit at 0: any value above 0 is the best
                    return value.model_copy(update={"value": Decimal(1)})
                if total >= top:
                    return value.model_copy(update={"value": best.value})
                needed = written((total - step / 2) * best.value / self.max, scores, total)
                return value.model_copy(update={"value": min(needed, best.value)})
            if total >= top or not best.value:  # at or below the lowest (0 is the lowest there is): max
                return value.model_copy(update={"value": best.value})
            needed = written(self.max * best.value / (total - step / 2), scores, total, up=False)
            return value.model_copy(update={"value": max(needed, best.value)})

        return Reach(((now + step, top),), value_for)

    def explain(self, score: CriterionScore, places: int) -> list[str]:
        assert isinstance(score.value, RelativeValue)
        best = score.best
        if best is None:
            return []
        holders = ", ".join(best.holders)
        given, top = plain(score.value.value), plain(best.value)
        if self.direction == "higher":
            if not best.value:
                line = _("best (highest) value 0 ({units}): every unit scores 0").format(units=holders)
            else:
                line = _("{value} / {best} (the highest, {units}) × {maximum} = {points}").format(
                    value=given, best=top, units=holders, maximum=plain(self.max), points=number(score.points, places)
                )
        elif not score.value.value:
            line = _("value 0, the lowest possible → {maximum}").format(maximum=number(score.points, places))
        else:
            line = _("{best} (the lowest, {units}) / {value} × {maximum} = {points}").format(
                value=given, best=top, units=holders, maximum=plain(self.max), points=number(score.points, places)
            )
        return [line]
