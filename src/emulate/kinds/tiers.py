"""`tiers`: a step table, "đạt 100 % được 10 điểm, đạt 90 % được 8 điểm" (SPEC 7.1).

Parameters: `measure: number|count` (default number; count takes whole numbers),
`unit` (optional text shown after the value), `steps`, a list best first, each
`{at_least: T, points: P}` with thresholds strictly decreasing, or each
`{at_most: T, points: P}` with thresholds strictly increasing, never mixed, and
`otherwise: P` (default 0). A value is `value: N` (≥ 0; whole for a count). It
scores the points of the first step whose condition holds, else `otherwise`.
The maximum is the largest of the steps' points and `otherwise`.

`check-rules` reports mixed or disordered steps (E308) and warns when a later
step gives more points than an earlier one (W301).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from ..arithmetic import ZERO, number, plain, round_points
from ..fields import Model, NonNegative, OptionalText, show
from ..i18n import _
from ..yamlio import PathKey
from .base import Fail, Reach, Report, RuleBase, Scored, Value, spans_of

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..engine import CriterionScore


class TiersValue(Value):
    value: NonNegative


class Step(Model):
    """One row of the table: its threshold (`at_least` or `at_most`) and its points."""

    at_least: NonNegative | None = None
    at_most: NonNegative | None = None
    points: NonNegative

    @property
    def threshold(self) -> Decimal:
        bound = self.at_least if self.at_least is not None else self.at_most
        return bound if bound is not None else ZERO

    def holds(self, value: Decimal) -> bool:
        if self.at_least is not None:
            return value >= self.at_least
        return self.at_most is not None and value <= self.at_most


class TiersRule(RuleBase):
    """A step table: the points of the first step whose threshold the value reaches."""

    VALUE = TiersValue

    kind: Literal["tiers"]
    measure: Literal["number", "count"] = "number"
    unit: OptionalText = None
    steps: list[Step] = Field(min_length=1)
    otherwise: NonNegative = ZERO

    @property
    def max_points(self) -> Decimal:
        return max([step.points for step in self.steps] + [self.otherwise])

    @property
    def counted(self) -> bool:
        return self.measure == "count"

    def count_of(self, value: Any) -> int:
        """The count a value of a `measure: count` table gives (for `require_zero` and `count()`)."""
        assert isinstance(value, TiersValue)
        return int(value.value)

    def _chosen(self, value: Decimal) -> int | None:
        """The index of the first step that holds, or None (then `otherwise`)."""
        return next((i for i, step in enumerate(self.steps) if step.holds(value)), None)

    def check(self, at: PathKey, report: Report) -> None:
        sides = []
        for i, step in enumerate(self.steps):
            given = [key for key in ("at_least", "at_most") if getattr(step, key) is not None]
            if len(given) != 1:
                report(
                    (*at, "steps", i),
                    "E308",
                    _("step {n} needs exactly one threshold, `at_least: ...` or `at_most: ...`").format(n=i + 1),
                )
                return
            sides.append(given[0])
        if len(set(sides)) > 1:
            report(
                (*at, "steps"),
                "E308",
                _("the steps mix `at_least` and `at_most`: write every step with the same one").format(),
            )
            return
        rising = sides[0] == "at_most"
        for i, (before, step) in enumerate(zip(self.steps, self.steps[1:], strict=False), start=1):
            in_order = step.threshold > before.threshold if rising else step.threshold < before.threshold
            if not in_order:
                report(
                    (*at, "steps", i, sides[0]),
                    "E308",
                    (
                        _("step {n} must have a higher `at_most` than step {m} ({before}): the best step comes first")
                        if rising
                        else _(
                            "step {n} must have a lower `at_least` than step {m} ({before}): the best step comes first"
                        )
                    ).format(n=i + 1, m=i, before=plain(before.threshold)),
                )
            elif step.points > before.points:
                report(
                    (*at, "steps", i, "points"),
                    "W301",
                    _("step {n} gives {points}, more than step {m} before it ({before}): is the order right?").format(
                        n=i + 1, points=plain(step.points), m=i, before=plain(before.points)
                    ),
                )

    def bounds(self, at: PathKey) -> Iterator[tuple[PathKey, Decimal]]:
        yield from (((*at, "steps", i, "points"), step.points) for i, step in enumerate(self.steps))
        yield (*at, "otherwise"), self.otherwise

    def _unit(self) -> str:
        return f" {self.unit}" if self.unit else ""

    def _step_words(self, step: Step) -> str:
        if step.at_least is not None:
            return _("at least {threshold}{unit}").format(threshold=plain(step.at_least), unit=self._unit())
        return _("at most {threshold}{unit}").format(threshold=plain(step.threshold), unit=self._unit())

    def describe(self) -> str:
        steps = "; ".join(f"{self._step_words(step)}: {plain(step.points)}" for step in self.steps)
        return _("{steps}; otherwise {points}").format(steps=steps, points=plain(self.otherwise))

    def example(self) -> str:
        if self.measure == "count":
            return _("{{value: ...}} a whole number, 0 or more").format()
        return _("{{value: ...}} a number, 0 or more").format()

    def check_value(self, no: str, value: Any, at: PathKey, fail: Fail) -> None:
        assert isinstance(value, TiersValue)
        if self.measure == "count" and value.value != value.value.to_integral_value():
            fail(
                (*at, "value"),
                "E206",
                _("'value' of criterion {no} is a count and must be a whole number, got {got}").format(
                    no=no, got=show(value.value)
                ),
            )

    def value_schema(self) -> tuple[str, dict[str, Any]]:
        return "value", {"type": "integer" if self.measure == "count" else "number", "minimum": 0}

    def template_lines(self) -> list[str]:
        what = _("a whole number, 0 or more") if self.measure == "count" else _("a number, 0 or more")
        return [f"    value:         # {what}{self._unit()}"]

    def score(self, value: Any, places: int) -> Scored:
        assert isinstance(value, TiersValue)
        chosen = self._chosen(value.value)
        points = self.steps[chosen].points if chosen is not None else self.otherwise
        return Scored(round_points(points, places))

    def reach(self, value: Any, places: int) -> Reach:
        """The steps (and `otherwise`) worth more than the value's; for a total, the value nearest to the
        given one that reaches a step worth it."""
        assert isinstance(value, TiersValue)
        # each step's own threshold reaches it (rounded inwards for a count), and one value misses them all
        candidates = {value.value}
        for step in self.steps:
            if self.measure == "count":
                rounding = ROUND_CEILING if step.at_least is not None else ROUND_FLOOR
                candidates.add(step.threshold.to_integral_value(rounding=rounding))
            else:
                candidates.add(step.threshold)
        last = self.steps[-1]
        candidates.add(
            ZERO if last.at_least is not None else last.threshold.to_integral_value(rounding=ROUND_FLOOR) + 1
        )
        totals = {v: self.score(TiersValue(value=v), places).points for v in candidates if v >= 0}
        now = totals[value.value]

        def value_for(total: Decimal) -> Any:
            enough = [(points, abs(v - value.value), v) for v, points in totals.items() if points >= total]
            return value.model_copy(update={"value": min(enough)[2]}) if enough else None

        return Reach(spans_of(totals.values(), now), value_for)

    def explain(self, score: CriterionScore, places: int) -> list[str]:
        assert isinstance(score.value, TiersValue)
        given = f"{plain(score.value.value)}{self._unit()}"
        chosen = self._chosen(score.value.value)
        if chosen is None:
            return [
                _("value {value}: no step reached, otherwise → {points}").format(
                    value=given, points=number(score.points, places)
                )
            ]
        return [
            _("value {value}: step {n} ({condition}) → {points}").format(
                value=given,
                n=chosen + 1,
                condition=self._step_words(self.steps[chosen]),
                points=number(score.points, places),
            )
        ]
