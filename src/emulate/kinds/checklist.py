"""`checklist`: items achieved or not, each worth its points.

Parameter: `items`, id → `{title, points, if_not_applicable?: full|forbidden}` (default
forbidden). A value is `items:`, every item id → true, false or not_applicable; it
scores the sum of the achieved items' points (full points for an allowed
not_applicable).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from ..arithmetic import ZERO, number, plain, round_points
from ..fields import YAML11_BOOLEANS, Model, Positive, Text, did_you_mean, fold, show, to_mapping
from ..i18n import _
from ..problems import clip
from ..yamlio import PathKey
from .base import Fail, FormCell, FormRow, Reach, RuleBase, Scored, Value, spans_of

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..engine import CriterionScore

NOT_APPLICABLE = "not_applicable"
#: the form's list for an item: achieved, not achieved, not applicable (in the officers' words)
STATES = ("Có", "Không", "Không áp dụng")
_NOT_APPLICABLE_SPELLINGS = frozenset({"n/a", "na", "not-applicable", "khong-ap-dung", "none", "kad"})


@dataclass(frozen=True)
class BadState:
    """An item's value that is not true, false or not_applicable: `check_value` reports it, knowing
    whether the item may be not_applicable (the message offers `not_applicable` only then)."""

    got: Any


def _to_item_state(value: Any) -> bool | str | BadState:
    if isinstance(value, bool) or value == NOT_APPLICABLE:
        return value  # type: ignore[no-any-return]  # a bool or the one allowed text
    return BadState(value)


def _bad_state_message(item_id: str, got: Any, may_be_not_applicable: bool) -> str:
    """What is wrong with an item's value, offering `not_applicable` only where the ruleset allows it."""
    choices = _("true, false or not_applicable") if may_be_not_applicable else _("true or false")
    if got is None:
        return _("'{item}' has no value: write {choices}").format(item=item_id, choices=choices)
    if isinstance(got, str) and got in YAML11_BOOLEANS:
        hint = _("(write true or false: 'yes', 'no', 'on' and 'off' are not read as true or false)")
    elif isinstance(got, str) and fold(got) in _NOT_APPLICABLE_SPELLINGS:
        hint = (
            _("(did you mean 'not_applicable'?)")
            if may_be_not_applicable
            else _("(the ruleset does not let this item be not applicable)")
        )
    else:
        hint = ""
    return _("'{item}' must be {choices}, got {got}").format(item=item_id, choices=choices, got=show(got)) + (
        " " + hint if hint else ""
    )


# Any value is kept; a wrong one as a BadState, which `check_value` reports (with the item's own choices).
ItemState = Annotated[Any, BeforeValidator(_to_item_state)]


class ChecklistValue(Value):
    items: Annotated[dict[str, ItemState], BeforeValidator(to_mapping)]


class ChecklistItem(Model):
    title: Text
    points: Positive
    if_not_applicable: Literal["full", "forbidden"] = "forbidden"


class ChecklistRule(RuleBase):
    """Items achieved or not, each worth its points."""

    VALUE = ChecklistValue

    kind: Literal["checklist"]
    items: dict[str, ChecklistItem] = Field(min_length=1)

    @property
    def max_points(self) -> Decimal:
        return sum((item.points for item in self.items.values()), ZERO)

    def bounds(self, at: PathKey) -> Iterator[tuple[PathKey, Decimal]]:
        yield from (((*at, "items", item_id, "points"), item.points) for item_id, item in self.items.items())

    def describe(self) -> str:
        parts = []
        for item_id, item in self.items.items():
            part = f"{item_id} {plain(item.points)}"
            if item.if_not_applicable == "full":
                part += _(" (not applicable: full points)")
            parts.append(part)
        return ", ".join(parts)

    def example(self) -> str:
        return "{items: {" + ", ".join(f"{item}: true" for item in self.items) + "}}"

    def check_value(self, no: str, value: Any, at: PathKey, fail: Fail) -> None:
        assert isinstance(value, ChecklistValue)
        for item_id, item in self.items.items():
            state = value.items.get(item_id)
            if isinstance(state, BadState):
                fail(
                    (*at, "items", item_id),
                    "E204",
                    _bad_state_message(item_id, state.got, item.if_not_applicable == "full"),
                )
            elif item_id not in value.items:
                fail(
                    (*at, "items"),
                    "E202",
                    _("checklist item '{item}' ({title}) is missing: add `{item}: true` or `{item}: false`").format(
                        item=item_id, title=item.title
                    ),
                )
            elif state == NOT_APPLICABLE and item.if_not_applicable == "forbidden":
                fail(
                    (*at, "items", item_id),
                    "E407",
                    _("item '{item}' ({title}) cannot be not_applicable under the ruleset: write true or false").format(
                        item=item_id, title=item.title
                    ),
                )
        for item_id in value.items:
            if item_id not in self.items:
                fail(
                    (*at, "items", item_id),
                    "E201",
                    _("unknown checklist item '{item}'{hint}; the items of {no} are {items}").format(
                        item=clip(item_id),
                        hint=did_you_mean(item_id, self.items),
                        no=no,
                        items=", ".join(self.items),
                    ),
                    key=True,
                )

    def value_schema(self) -> tuple[str, dict[str, Any]]:
        items = {}
        for item_id, item in self.items.items():
            states: list[Any] = [True, False] + ([NOT_APPLICABLE] if item.if_not_applicable == "full" else [])
            items[item_id] = {"enum": states, "title": item.title}
        return "items", {
            "type": "object",
            "required": list(self.items),
            "additionalProperties": False,
            "properties": items,
        }

    def form_rows(self) -> list[FormRow]:
        """The criterion's own row (its evidence), then one row per item with `Có / Không / Không áp dụng`."""
        rows = [FormRow((), evidence=("evidence",))]
        for n, (item_id, item) in enumerate(self.items.items(), start=1):
            allowed = 3 if item.if_not_applicable == "full" else 2
            cell = FormCell(
                ("items", item_id),
                "choice",
                choices=STATES[:allowed],
                values=(True, False, NOT_APPLICABLE)[:allowed],
            )
            rows.append(FormRow((cell,), title=item.title, number=f".{n}", rule=item_id, maximum=item.points))
        return rows

    def template_lines(self) -> list[str]:
        lines = ["    items:"]
        for item_id, item in self.items.items():
            allowed = _("true, false or not_applicable") if item.if_not_applicable == "full" else _("true or false")
            lines.append(f"      {item_id}:    # {item.title} ({item.points:f}): {allowed}")
        return lines

    def score(self, value: Any, places: int) -> Scored:
        assert isinstance(value, ChecklistValue)
        items = tuple(
            (item_id, value.items.get(item_id, False), _item_points(item, value.items.get(item_id, False)))
            for item_id, item in self.items.items()
        )
        return Scored(round_points(sum((p for _, _, p in items), ZERO), places), items=items)

    def reach(self, value: Any, places: int) -> Reach:
        """Items not achieved, achieved: the totals of every set of them, each by its fewest items."""
        assert isinstance(value, ChecklistValue)
        open_ = [
            (item_id, item.points)
            for item_id, item in self.items.items()
            if not _item_points(item, value.items.get(item_id, False))
        ]
        fewest: dict[Decimal, tuple[str, ...]] = {ZERO: ()}
        for item_id, points in open_:
            for gained, chosen in list(fewest.items()):
                more = gained + points
                if more not in fewest or len(fewest[more]) > len(chosen) + 1:
                    fewest[more] = (*chosen, item_id)
        now = self.score(value, places).points

        def value_for(total: Decimal) -> Any:
            enough = sorted((gained, len(chosen), chosen) for gained, chosen in fewest.items() if now + gained >= total)
            if not enough:
                return None
            return value.model_copy(update={"items": {**value.items, **dict.fromkeys(enough[0][2], True)}})

        return Reach(spans_of((round_points(now + gained, places) for gained in fewest), now), value_for)

    def explain(self, score: CriterionScore, places: int) -> list[str]:
        states = {True: _("achieved"), False: _("not achieved")}
        lines = []
        for item_id, state, points in score.items:
            item = self.items[item_id]
            shown = states[state] if isinstance(state, bool) else _("not applicable")
            lines.append(
                _("{item} ({title}): {state} → {points} of {maximum}").format(
                    item=item_id,
                    title=item.title,
                    state=shown,
                    points=number(points, places),
                    maximum=plain(item.points),
                )
            )
        return lines


def _item_points(item: ChecklistItem, state: object) -> Decimal:
    if state is True:
        return item.points
    if state == NOT_APPLICABLE and item.if_not_applicable == "full":
        return item.points
    return ZERO
