"""Decision support (`gap`, `margins`, `whatif`): JSON as SPEC 9 shapes it, rich tables, Markdown.

A value is shown as flow YAML, the way a submission writes it, so that what `gap`
proposes can be passed to `whatif --set` as it is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ..decision import Gap, Margins, Obstacle, Opening, WhatIf
from ..i18n import _
from ..ruleset import Ruleset
from . import figures, number, plain, tie_breaker_in_words

FORMATS = ("table", "json", "markdown")

# a text that flow YAML reads back as the same text without quotes (an id, a label)
_PLAIN = re.compile(r"[a-z][a-z0-9_-]*\Z")
_NOT_PLAIN = frozenset({"true", "false", "null", "yes", "no", "on", "off", "y", "n"})
# what a value carries besides what scores it: left out of a proposed value
_ASIDE = frozenset({"evidence", "note"})


def flow(value: Any) -> str:
    """A criterion's value (or a deduction's count) in flow YAML: `{rating: tot}`, `{items: {a: true}}`, `2`."""
    if hasattr(value, "model_dump"):
        value = value.model_dump(exclude_defaults=True)
    with figures(False):  # YAML to write in a file or in --set: its numbers are machine ones in every language
        return _flow(value)


def _flow(data: Any) -> str:
    if isinstance(data, dict):
        return "{" + ", ".join(f"{key}: {_flow(item)}" for key, item in data.items() if key not in _ASIDE) + "}"
    if isinstance(data, list | tuple):
        return "[" + ", ".join(_flow(item) for item in data) + "]"
    if isinstance(data, bool):
        return "true" if data else "false"
    if isinstance(data, Decimal):
        return plain(data)
    if isinstance(data, int):
        return str(data)
    text = str(data)
    # a double-quoted JSON string is a double-quoted YAML string
    return text if _PLAIN.match(text) and text not in _NOT_PLAIN else json.dumps(text, ensure_ascii=False)


def _optional(value: Decimal | None, places: int) -> str | None:
    return None if value is None else number(value, places)


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _md(cell: str) -> str:
    return cell.replace("|", "\\|")


def _no(ruleset: Ruleset, target: str) -> str:
    criterion = ruleset.criterion(target)
    return criterion.no if criterion is not None else "−"


def _title(ruleset: Ruleset, target: str) -> str:
    criterion = ruleset.criterion(target)
    if criterion is not None:
        return criterion.title
    deduction = ruleset.deduction(target)
    return deduction.title if deduction is not None else target


def _name(ruleset: Ruleset, department: str) -> str:
    member = ruleset.department(department)
    return member.name if member is not None else department


# --- gap -----------------------------------------------------------------------------------


def gap_data(result: Gap) -> dict[str, Any]:
    places = result.places
    return {
        "department": result.department,
        "goal": result.goal.as_data(),
        "total": number(result.total, places),
        "increase": _optional(result.increase, places),
        "reachable": result.reachable,
        "criteria": [
            {"criterion": o.target, "gain": number(o.gain, places), "value": flow(o.value)} for o in result.openings
        ],
        "ways": [
            {"criteria": [{"criterion": c.target, "value": flow(c.value)} for c in w.changes]} for w in result.ways
        ],
        "cannot_help": [_obstacle_data(o) for o in result.cannot_help],
    }


def _obstacle_data(obstacle: Obstacle) -> dict[str, Any]:
    entry: dict[str, Any] = {"reason": obstacle.reason}
    for key in ("criterion", "award", "rank"):
        if getattr(obstacle, key) is not None:
            entry[key] = getattr(obstacle, key)
    if obstacle.class_id is not None:
        entry["class"] = obstacle.class_id
    return entry


def gap_json(result: Gap) -> str:
    return _dump(gap_data(result))


def goal_words(result: Gap) -> str:
    if result.goal.rank is not None:
        return _("rank {rank} or better").format(rank=result.goal.rank)
    if result.goal.class_id is not None:
        return _("the class {id} or better").format(id=result.goal.class_id)
    return _("the award {award}").format(award=result.goal.award)


def obstacle_words(ruleset: Ruleset, obstacle: Obstacle) -> str:
    if obstacle.reason == "at_maximum":
        return _("{no} {criterion}: already scores the most its value can").format(
            no=_no(ruleset, obstacle.criterion or ""), criterion=obstacle.criterion
        )
    if obstacle.reason == "scored_by":
        return _("{no} {criterion}: scored by others, not by the unit's own values").format(
            no=_no(ruleset, obstacle.criterion or ""), criterion=obstacle.criterion
        )
    if obstacle.reason == "require_zero":
        return _("{award} requires a count of 0 for {name}, and the unit's is not 0: no points can change that").format(
            award=obstacle.award or obstacle.class_id, name=obstacle.criterion
        )
    if obstacle.reason == "class_condition":
        return _("even with every point still open, a condition of the class {id} does not hold").format(
            id=obstacle.class_id
        )
    if obstacle.reason == "min_share":
        return _("even with every point still open, the total stays below the floor of {award}").format(
            award=obstacle.award
        )
    if obstacle.reason == "cannot_tell":
        return _(
            "the goal depends on how the points are split among the criteria, and there are too many ways to split"
            " them to try: no answer rather than a wrong one"
        )
    if obstacle.reason == "quota_held":
        return _("even with every point still open, the places of {award} go to units ahead").format(
            award=obstacle.award
        )
    return _("even with every point still open, the units ahead keep it below rank {rank}").format(rank=obstacle.rank)


def gap_lines(ruleset: Ruleset, result: Gap) -> list[str]:
    """The answer in sentences: where the unit stands, the increase, and how the threshold follows."""
    places = result.places
    lines = [
        _("{department} ({name}), {year}: goal {goal}; total now {total}.").format(
            department=result.department,
            name=_name(ruleset, result.department),
            year=ruleset.year,
            goal=goal_words(result),
            total=number(result.total, places),
        )
    ]
    if result.against_best:
        lines.append(
            _(
                "{criteria} scored against the best unit of its group: a value beyond the best makes this unit"
                " the best and lowers the others' points there (every answer below counts that)."
            ).format(criteria=", ".join(f"{_no(ruleset, c)} {c}" for c in result.against_best))
        )
    if result.increase is None and any(o.reason == "cannot_tell" for o in result.cannot_help):
        lines.append(_("Whether the goal can be reached, and with what increase, cannot be told (see below)."))
        return lines
    if result.increase is None:
        lines.append(_("The goal cannot be reached with the values the unit can still change."))
        return lines
    if not result.increase:
        lines.append(_("The goal is already reached (rank {rank}).").format(rank=result.new_rank))
        return lines
    lines.append(
        _("Smallest increase: {increase}, to a total of {total} (rank {rank}).").format(
            increase=number(result.increase, places),
            total=number(result.new_total or result.total, places),
            rank=result.new_rank,
        )
    )
    if result.passed:
        lines.append(_("It passes {units}.").format(units=", ".join(result.passed)))
    if result.decided_by:
        lines.append(
            _("At an equal total the tie-breaker {breaker} puts it ahead: equal totals suffice.").format(
                breaker=tie_breaker_in_words(ruleset, result.decided_by)
            )
        )
    if result.floor is not None and result.goal.class_id is not None:
        lines.append(_("The class's floor: a total of at least {floor}.").format(floor=number(result.floor, places)))
    elif result.floor is not None:
        lines.append(_("The award's floor: a total of at least {floor}.").format(floor=number(result.floor, places)))
    return lines


def _opening_rows(ruleset: Ruleset, openings: Sequence[Opening], places: int) -> list[list[str]]:
    return [[_no(ruleset, o.target), o.target, number(o.gain, places), flow(o.value)] for o in openings]


def _way_rows(ruleset: Ruleset, result: Gap) -> list[list[str]]:
    rows = []
    for n, way in enumerate(result.ways, start=1):
        for i, change in enumerate(way.changes):
            rows.append(
                [
                    str(n) if i == 0 else "",
                    number(way.increase, result.places) if i == 0 else "",
                    _no(ruleset, change.target),
                    change.target,
                    flow(change.value),
                ]
            )
    return rows


def _opening_headers() -> list[str]:
    return [_("No"), _("Criterion"), _("Open"), _("Value that gives them")]


def _way_headers() -> list[str]:
    return ["#", _("Increase"), _("No"), _("Criterion"), _("Value")]


def gap_table(ruleset: Ruleset, result: Gap) -> list[Any]:
    from rich.text import Text

    out: list[Any] = [Text(line) for line in gap_lines(ruleset, result)]
    if result.openings:
        out.append(
            _table(
                _("Points still open, and the value that gives them"),
                _opening_headers(),
                _opening_rows(ruleset, result.openings, result.places),
                right=(2,),
                wrap=(3,),
            )
        )
    if result.ways:
        out.append(
            _table(
                _("Ways with the fewest criteria"), _way_headers(), _way_rows(ruleset, result), right=(1,), wrap=(4,)
            )
        )
    if result.cannot_help:
        out.append(Text(_("Cannot help:"), style="bold"))
        out += [Text("- " + obstacle_words(ruleset, o)) for o in result.cannot_help]
    return out


def gap_markdown(ruleset: Ruleset, result: Gap) -> str:
    lines = [
        "## " + _("Gap: {department}, {goal}").format(department=_md(result.department), goal=_md(goal_words(result))),
        "",
    ]
    lines += [_md(line) for line in gap_lines(ruleset, result)]
    if result.openings:
        lines += ["", "### " + _("Points still open, and the value that gives them"), ""]
        lines += _md_table(_opening_headers(), _opening_rows(ruleset, result.openings, result.places), right=(2,))
    if result.ways:
        lines += ["", "### " + _("Ways with the fewest criteria"), ""]
        lines += _md_table(_way_headers(), _way_rows(ruleset, result), right=(1,))
    if result.cannot_help:
        lines += ["", "### " + _("Cannot help:"), ""]
        lines += ["- " + _md(obstacle_words(ruleset, o)) for o in result.cannot_help]
    return "\n".join(lines) + "\n"


# --- margins -------------------------------------------------------------------------------


def margins_data(result: Margins) -> dict[str, Any]:
    places = result.places
    adjustments = []
    for undo in result.adjustments:
        a = undo.adjustment
        entry: dict[str, Any] = {"department": a.department}
        entry.update({"criterion": a.criterion} if a.criterion else {"deduction": a.deduction})
        entry.update(
            {
                "reason": a.reason,
                "undo_changes": undo.undo_changes,
                "moves": [
                    {
                        "department": m.department,
                        "rank": list(m.rank),
                        "award": list(m.award),
                        "class": list(m.class_id),
                    }
                    for m in undo.moves
                ],
            }
        )
        adjustments.append(entry)
    return {
        "pairs": [
            {
                "upper": p.upper,
                "lower": p.lower,
                "points": number(p.points, places),
                "decided_by": p.decided_by,
                "differ_most": [{"criterion": c, "points": number(d, places)} for c, d in p.differ_most],
            }
            for p in result.pairs
        ],
        "boundaries": [
            {
                **({"class": b.class_id} if b.class_id is not None else {"award": b.award}),
                "last_in": b.last_in,
                "first_out": b.first_out,
                "points": _optional(b.points, places),
            }
            for b in result.boundaries
        ],
        "adjustments": adjustments,
    }


def margins_json(result: Margins) -> str:
    return _dump(margins_data(result))


def _signed(points: Decimal, places: int) -> str:
    return ("+" if points > 0 else "") + number(points, places)


def _pair_rows(ruleset: Ruleset, result: Margins, separator: str = ", ") -> list[list[str]]:
    return [
        [
            p.upper,
            p.lower,
            number(p.points, result.places),
            tie_breaker_in_words(ruleset, p.decided_by) if p.decided_by else "",
            separator.join(f"{_no(ruleset, c)} {_signed(d, result.places)}" for c, d in p.differ_most),
        ]
        for p in result.pairs
    ]


def _boundary_rows(result: Margins) -> list[list[str]]:
    return [
        [
            b.award or _("class {id}").format(id=b.class_id),
            b.last_in or "−",
            b.first_out or "−",
            _optional(b.points, result.places) or "−",
        ]
        for b in result.boundaries
    ]


def _move_words(undo: Any) -> str:
    if not undo.moves:
        return _("no rank or award moves")
    parts = []
    for m in undo.moves:
        part = f"{m.department}: " + _("rank {old} → {new}").format(old=m.rank[0], new=m.rank[1])
        if m.award[0] != m.award[1]:
            part += ", " + _("award {old} → {new}").format(old=m.award[0] or "−", new=m.award[1] or "−")
        if m.class_id[0] != m.class_id[1]:
            part += ", " + _("class {old} → {new}").format(old=m.class_id[0] or "−", new=m.class_id[1] or "−")
        parts.append(part)
    return "; ".join(parts)


def _undo_rows(result: Margins) -> list[list[str]]:
    return [
        [u.adjustment.department, u.adjustment.target, _("yes") if u.undo_changes else _("no"), _move_words(u)]
        for u in result.adjustments
    ]


def _pair_headers() -> list[str]:
    return [_("Upper"), _("Lower"), _("Points"), _("Tie-breaker"), _("Where they differ most")]


def _boundary_headers() -> list[str]:
    return [_("Award"), _("Last in"), _("First out"), _("Points")]


def _undo_headers() -> list[str]:
    return [_("Unit"), _("Corrected"), _("Undoing it alone changes"), _("Moves")]


def margins_table(ruleset: Ruleset, result: Margins) -> list[Any]:
    # one criterion a line: a cell that wraps never parts a number from its criterion
    headers, rows, wrap = _pair_headers(), _pair_rows(ruleset, result, "\n"), 4
    if not any(p.decided_by for p in result.pairs):  # no tie: the tie-breaker column would be empty
        headers, rows, wrap = headers[:3] + headers[4:], [row[:3] + row[4:] for row in rows], 3
    out = [
        _table(
            _("Neighbours in the ranking of {year}").format(year=result.year), headers, rows, right=(2,), wrap=(wrap,)
        ),
        _table(_("Award boundaries"), _boundary_headers(), _boundary_rows(result), right=(3,)),
    ]
    if result.adjustments:
        out.append(
            _table(_("The review's adjustments, each undone alone"), _undo_headers(), _undo_rows(result), wrap=(2, 3))
        )
    return out


def margins_markdown(ruleset: Ruleset, result: Margins) -> str:
    lines = ["## " + _("Neighbours in the ranking of {year}").format(year=result.year), ""]
    lines += _md_table(_pair_headers(), _pair_rows(ruleset, result), right=(2,))
    lines += ["", "### " + _("Award boundaries"), ""]
    lines += _md_table(_boundary_headers(), _boundary_rows(result), right=(3,))
    if result.adjustments:
        lines += ["", "### " + _("The review's adjustments, each undone alone"), ""]
        lines += _md_table(_undo_headers(), _undo_rows(result))
    return "\n".join(lines) + "\n"


# --- whatif --------------------------------------------------------------------------------


def whatif_data(result: WhatIf) -> dict[str, Any]:
    places = result.places
    return {
        "changes": [
            {
                "department": s.department,
                "rank": list(s.rank),
                "total": [_optional(s.total[0], places), _optional(s.total[1], places)],
                "award": list(s.award),
                "class": list(s.class_id),
            }
            for s in result.changes
        ]
    }


def whatif_json(result: WhatIf) -> str:
    return _dump(whatif_data(result))


def _arrow(old: Any, new: Any) -> str:
    shown = ["−" if v is None else str(v) for v in (old, new)]
    return shown[0] if old == new else f"{shown[0]} → {shown[1]}"


def _shift_rows(result: WhatIf) -> list[list[str]]:
    places = result.places
    return [
        [
            s.department,
            _arrow(*s.rank),
            _arrow(_optional(s.total[0], places), _optional(s.total[1], places)),
            _arrow(*s.award),
            *([_arrow(*s.class_id)] if _classes_move(result) else []),
        ]
        for s in result.changes
    ]


def _classes_move(result: WhatIf) -> bool:
    return any(s.class_id != (None, None) for s in result.changes)


def _shift_headers(result: WhatIf) -> list[str]:
    return [_("Unit"), _("Rank"), _("Total"), _("Award"), *([_("Class")] if _classes_move(result) else [])]


def _nothing_moves() -> str:
    return _("Nothing moves: every rank, total, award and class stays as it is.")


def _unscored_notes(result: WhatIf) -> list[str]:
    return [
        _("{name} has no value in the submissions of {count} unit(s): it counts 0 under the other rules").format(
            name=name, count=len(units)
        )
        for name, units in result.unscored
    ]


def whatif_table(result: WhatIf) -> list[Any]:
    from rich.text import Text

    notes = [Text(note, style="dim") for note in _unscored_notes(result)]
    if not result.changes:
        return [Text(_nothing_moves()), *notes]
    return [
        _table(_("What moves in {year}").format(year=result.year), _shift_headers(result), _shift_rows(result)),
        *notes,
    ]


def whatif_markdown(result: WhatIf) -> str:
    lines = ["## " + _("What moves in {year}").format(year=result.year), ""]
    if not result.changes:
        lines.append(_md(_nothing_moves()))
    else:
        lines += _md_table(_shift_headers(result), _shift_rows(result))
    notes = _unscored_notes(result)
    if notes:
        lines += ["", *(f"- {_md(note)}" for note in notes)]
    return "\n".join(lines) + "\n"


# --- shared --------------------------------------------------------------------------------


def _table(
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    right: tuple[int, ...] = (),
    wrap: tuple[int, ...] = (),
) -> Any:
    """A rich table; only the `wrap` columns (values, lists) wrap, ids and numbers stay whole."""
    from rich.table import Table

    table = Table(title=title, box=None, padding=(0, 1, 0, 0), pad_edge=False, header_style="bold underline")
    for i, header in enumerate(headers):
        table.add_column(
            header,
            justify="right" if i in right else "left",
            overflow="fold",
            no_wrap=i not in wrap,
            ratio=1 if i in wrap else None,
        )
    for row in rows:
        table.add_row(*row)
    return table


def _md_table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: tuple[int, ...] = ()) -> list[str]:
    lines = ["| " + " | ".join(_md(h) for h in headers) + " |"]
    lines.append("|" + "|".join("---:" if i in right else "---" for i in range(len(headers))) + "|")
    lines += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in rows]
    return lines


__all__ = [
    "FORMATS",
    "flow",
    "gap_data",
    "gap_json",
    "gap_markdown",
    "gap_table",
    "margins_data",
    "margins_json",
    "margins_markdown",
    "margins_table",
    "whatif_data",
    "whatif_json",
    "whatif_markdown",
    "whatif_table",
]
