"""`targets`: registered quantitative targets, each worth `points_each` at 100 %, with a bonus beyond.

Parameters: `count`, `points_each`, `bonus_per_percent` (default 0), `bonus_cap_each`
(required with a bonus). A value is `targets:`, a list of exactly `count` components
`{name, unit?, direction: higher|lower, target, actual, evidence?, note?}`.

Per component, performance p = actual/target (higher) or (2·target − actual)/target
(lower); lower with target 0: p = 1 if actual = 0 else 0; p is floored at 0.
points = points_each·min(p, 1); bonus = min(bonus_cap_each, bonus_per_percent·(p − 1)·100)
when p > 1, else 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from ..arithmetic import HUNDRED, ONE, ZERO, number, plain, round_points
from ..fields import Model, NonNegative, OptionalText, Positive, PositiveWhole, Text
from ..i18n import _
from ..yamlio import PathKey
from .base import Fail, FormCell, FormRow, Reach, Report, RuleBase, Scored, Value, cut_off, step_of, written

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..engine import CriterionScore


class Component(Model):
    """One registered quantitative target of a `targets` criterion."""

    name: Text
    unit: OptionalText = None
    direction: Literal["higher", "lower"] = "higher"
    target: NonNegative
    actual: NonNegative
    evidence: OptionalText = None
    note: OptionalText = None


#: the form's list for a component's direction (`higher`, `lower`), in the officers' words
DIRECTIONS = ("cao hơn là tốt", "thấp hơn là tốt")


class TargetsValue(Value):
    targets: list[Component]


@dataclass(frozen=True, slots=True)
class ComponentScore:
    """One registered target of a `targets` criterion."""

    number: int  # 1-based
    component: Component
    performance: Decimal  # p, unrounded
    points: Decimal
    bonus: Decimal
    bonus_uncapped: Decimal  # bonus_per_percent * (p - 1) * 100, rounded
    lost_to_cap: Decimal  # bonus_uncapped - bonus


def performance(component: Component) -> Decimal:
    """p = actual/target (higher) or (2 target - actual)/target (lower), floored at 0."""
    target, actual = component.target, component.actual
    if component.direction == "lower":
        if target == 0:
            return ONE if actual == 0 else ZERO
        p = (2 * target - actual) / target
    else:
        p = actual / target
    return max(p, ZERO)


def _graded(component: Component) -> bool:
    """Whether a component can score every total between its own and its most (all but a lower target of 0)."""
    return not (component.direction == "lower" and component.target == 0)


def _merged(spans: list[tuple[Decimal, Decimal]], step: Decimal) -> list[tuple[Decimal, Decimal]]:
    """Spans of the grid, overlapping or touching ones joined."""
    out: list[tuple[Decimal, Decimal]] = []
    for low, high in sorted(spans):
        if out and low <= out[-1][1] + step:
            out[-1] = (out[-1][0], max(out[-1][1], high))
        else:
            out.append((low, high))
    return out


class TargetsRule(RuleBase):
    """Registered quantitative targets, each worth `points_each` at 100 %, with a bonus beyond."""

    VALUE = TargetsValue

    kind: Literal["targets"]
    count: PositiveWhole
    points_each: Positive
    bonus_per_percent: NonNegative = ZERO
    bonus_cap_each: NonNegative = ZERO

    @property
    def max_points(self) -> Decimal:
        return self.count * self.points_each

    @property
    def max_bonus(self) -> Decimal:
        return self.count * self.bonus_cap_each if self.bonus_per_percent > 0 else ZERO

    def check(self, at: PathKey, report: Report) -> None:
        if self.bonus_per_percent > 0 and self.bonus_cap_each == 0:
            report(
                at,
                "E202",
                _("'bonus_cap_each' is missing: a bonus per percent needs a cap per component (`bonus_cap_each: ...`)"),
            )

    def bounds(self, at: PathKey) -> Iterator[tuple[PathKey, Decimal]]:
        yield (*at, "points_each"), self.points_each
        yield (*at, "bonus_cap_each"), self.bonus_cap_each

    def describe(self) -> str:
        text = _("{count} targets × {points}").format(count=self.count, points=plain(self.points_each))
        if self.bonus_per_percent > 0:
            text += _("; bonus {per} per 1 % beyond target, at most {cap} each").format(
                per=plain(self.bonus_per_percent), cap=plain(self.bonus_cap_each)
            )
        return text

    def example(self) -> str:
        return _("{{targets: [...]}} with exactly {count} items {{name, unit, target, actual}}").format(
            count=self.count
        )

    def check_value(self, no: str, value: Any, at: PathKey, fail: Fail) -> None:
        assert isinstance(value, TargetsValue)
        if len(value.targets) != self.count:
            fail(
                (*at, "targets"),
                "E208",
                _("criterion {no} needs exactly {count} targets, got {got}").format(
                    no=no, count=self.count, got=len(value.targets)
                ),
            )
        for i, component in enumerate(value.targets):
            if component.direction == "higher" and component.target <= 0:
                fail(
                    (*at, "targets", i, "target"),
                    "E408",
                    _(
                        "'target' of '{name}' must be greater than 0 when higher is better "
                        "(performance is actual / target); if lower is better, add `direction: lower`"
                    ).format(name=component.name),
                )

    def value_schema(self) -> tuple[str, dict[str, Any]]:
        text = {"type": "string"}
        number_ = {"type": "number", "minimum": 0}
        component = {
            "type": "object",
            "required": ["name", "target", "actual"],
            "additionalProperties": False,
            "properties": {
                "name": {**text, "description": _("what is measured")},
                "unit": text,
                "direction": {"enum": ["higher", "lower"], "default": "higher"},
                "target": number_,
                "actual": number_,
                "evidence": text,
                "note": text,
            },
        }
        return "targets", {"type": "array", "minItems": self.count, "maxItems": self.count, "items": component}

    def form_rows(self) -> list[FormRow]:
        """The criterion's own row (its evidence), then one row per component: name, unit, direction,
        target and actual."""
        rows = [FormRow((), evidence=("evidence",))]
        for i in range(self.count):
            at = ("targets", i)
            cells = (
                FormCell((*at, "name"), "text", "name"),
                FormCell((*at, "unit"), "text", "unit", required=False),
                FormCell(
                    (*at, "direction"),
                    "choice",
                    "direction",
                    choices=DIRECTIONS,
                    values=("higher", "lower"),
                    required=False,
                ),
                FormCell((*at, "target"), "decimal", "target", minimum=ZERO),
                FormCell((*at, "actual"), "decimal", "value", minimum=ZERO),
            )
            rows.append(
                FormRow(
                    cells,
                    title=f"Chỉ tiêu {i + 1}",
                    number=f".{i + 1}",
                    rule=f"{plain(self.points_each)} × min(p, 1)",
                    maximum=self.points_each,
                    evidence=(*at, "evidence"),
                )
            )
        return rows

    def template_lines(self) -> list[str]:
        lines = [
            "    # "
            + _(
                "exactly {count} targets of your unit; `direction: lower` when less is better (e.g. late files)"
            ).format(count=self.count),
            "    targets:",
        ]
        for n in range(1, self.count + 1):
            lines += [
                "      - name:        # " + _("target {number}: what is measured").format(number=n),
                "        unit:        # " + _('e.g. tỷ đồng, km, "%" (in quotes)'),
                "        direction: higher",
                "        target:      # " + _("the registered target (a number)"),
                "        actual:      # " + _("the result achieved (a number)"),
                "        evidence:    # " + _("e.g. Báo cáo số .../BC-... ngày ..."),
            ]
        return lines

    def score(self, value: Any, places: int) -> Scored:
        assert isinstance(value, TargetsValue)
        components = tuple(self._score_component(i + 1, c, places) for i, c in enumerate(value.targets))
        return Scored(
            sum((c.points for c in components), ZERO),
            sum((c.bonus for c in components), ZERO),
            sum((c.lost_to_cap for c in components), ZERO),
            components=components,
        )

    def _score_component(self, number_: int, component: Component, places: int) -> ComponentScore:
        p = performance(component)
        points = round_points(self.points_each * min(p, ONE), places)
        beyond = self.bonus_per_percent * (p - ONE) * HUNDRED
        uncapped = round_points(beyond, places) if p > ONE else ZERO
        bonus = round_points(min(self.bonus_cap_each, beyond), places) if p > ONE else ZERO
        return ComponentScore(number_, component, p, points, bonus, uncapped, max(ZERO, uncapped - bonus))

    def reach(self, value: Any, places: int) -> Reach:
        """Each component can gain any total on the grid up to its points and bonus cap (a `lower` target of
        0 only all or nothing); for a total, the `actual` each component needs, filled in order."""
        assert isinstance(value, TargetsValue)
        step = step_of(places)
        scored = [self._score_component(i + 1, c, places) for i, c in enumerate(value.targets)]
        # per component: its total now, the most it can score, and whether every total between is reachable
        ladders = [(c.points + c.bonus, self._component_top(c.component, places), _graded(c.component)) for c in scored]
        now = sum((low for low, _, _ in ladders), ZERO)
        sums: list[tuple[Decimal, Decimal]] = [(now, now)]
        for low, top, graded in ladders:
            gains = [(ZERO, top - low)] if graded else [(ZERO, ZERO), (top - low, top - low)]
            sums = _merged([(a + g, b + h) for a, b in sums for g, h in gains], step)
        spans = tuple((max(low, now + step), high) for low, high in sums if high > now)

        def value_for(total: Decimal) -> Any:
            plan = self._plan(total - now, ladders, round_points(self.points_each, places))
            targets = [
                self._component_for(c.component, low + gain, places) if gain else c.component
                for c, (low, _, _), gain in zip(scored, ladders, plan, strict=True)
            ]
            return value.model_copy(update={"targets": targets})

        return Reach(spans, value_for)

    def _component_top(self, component: Component, places: int) -> Decimal:
        """The most one component can score: its points, and its bonus as far as the direction allows."""
        if self.bonus_per_percent == 0 or (component.direction == "lower" and component.target == 0):
            return round_points(self.points_each, places)
        beyond = self.bonus_per_percent * HUNDRED  # a lower target's performance is at most 2 (actual 0)
        cap = self.bonus_cap_each if component.direction == "higher" else min(self.bonus_cap_each, beyond)
        return round_points(self.points_each, places) + round_points(cap, places)

    @staticmethod
    def _plan(gain: Decimal, ladders: list[tuple[Decimal, Decimal, bool]], base: Decimal) -> list[Decimal]:
        """The gain of each component: the all-or-nothing ones as few as needed, then the others in order,
        their points (up to `base`) before any bonus: points count in a content's total (a tie-breaker)."""
        fixed = [i for i, (_, _, graded) in enumerate(ladders) if not graded and ladders[i][1] > ladders[i][0]]
        room = sum((top - low for low, top, graded in ladders if graded), ZERO)
        plan = [ZERO] * len(ladders)
        for mask in sorted(range(1 << len(fixed)), key=lambda m: bin(m).count("1")):
            taken = [fixed[j] for j in range(len(fixed)) if mask >> j & 1]
            rest = gain - sum((ladders[i][1] - ladders[i][0] for i in taken), ZERO)
            if ZERO <= rest <= room or (rest > room and mask == (1 << len(fixed)) - 1):
                for i in taken:
                    plan[i] = ladders[i][1] - ladders[i][0]
                for ceiling in (base, None):
                    for i, (low, top, graded) in enumerate(ladders):
                        if graded and rest > 0:
                            room_i = (top if ceiling is None else max(low, min(top, ceiling))) - low - plan[i]
                            more = min(rest, max(ZERO, room_i))
                            plan[i] += more
                            rest -= more
                return plan
        return plan

    def _component_for(self, component: Component, total: Decimal, places: int) -> Component:
        """The component with the `actual` nearest its own that scores `total` (points and bonus)."""
        if component.direction == "lower" and component.target == 0:
            return component.model_copy(update={"actual": ZERO})
        half = step_of(places) / 2
        points_each = round_points(self.points_each, places)
        if total <= points_each:
            needed = (total - half) / self.points_each
        else:
            needed = ONE + (total - points_each - half) / (self.bonus_per_percent * HUNDRED)
        higher = component.direction == "higher"
        target = component.target
        boundary = needed * target if higher else max(ZERO, (2 - needed) * target)

        def scores(actual: Decimal) -> Decimal:
            scored = self._score_component(0, component.model_copy(update={"actual": actual}), places)
            return scored.points + scored.bonus

        return component.model_copy(update={"actual": written(boundary, scores, total, up=higher)})

    def explain(self, score: CriterionScore, places: int) -> list[str]:
        lines = []
        for c in score.components:
            unit = f" ({c.component.unit})" if c.component.unit else ""
            direction = _(", lower is better") if c.component.direction == "lower" else ""
            lines.append(
                _("component {number} {name}{unit}{direction}: {formula}").format(
                    number=c.number,
                    name=c.component.name,
                    unit=unit,
                    direction=direction,
                    formula=self.component_formula(c, places),
                )
            )
        return lines

    def component_formula(self, c: ComponentScore, places: int) -> str:
        comp = c.component
        if comp.direction == "lower" and comp.target == 0:
            text = _("target 0 and actual {actual}, so performance {performance}; {each} × {capped} = {points}").format(
                actual=plain(comp.actual),
                performance=plain(c.performance),
                each=plain(self.points_each),
                capped=plain(min(c.performance, ONE)),
                points=number(c.points, places),
            )
        else:
            ratio = (
                f"(2×{plain(comp.target)} − {plain(comp.actual)})/{plain(comp.target)}"
                if comp.direction == "lower"
                else f"{plain(comp.actual)}/{plain(comp.target)}"
            )
            text = f"{plain(self.points_each)} × min({ratio}, 1) = {number(c.points, places)}"
        if c.performance > 1 and self.bonus_per_percent > 0:
            text += _("; bonus min({cap}, {per} × {beyond}) = {bonus}").format(
                cap=plain(self.bonus_cap_each),
                per=plain(self.bonus_per_percent),
                beyond=number((c.performance - 1) * 100, places),
                bonus=number(c.bonus, places),
            )
            if c.lost_to_cap:
                text += cut_off(c.lost_to_cap, places)
        return text
