"""`emulate history`: a table with a bar per year, JSON, CSV and Markdown."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ..history import Standing, UnitHistory
from ..i18n import _
from . import csv_text, markdown_text, number, percent, terminal_text

FORMATS = ("table", "json", "csv", "markdown")
_BAR_WIDTH = 10


def _change_text(change: tuple[Decimal, int] | None, places: int) -> str:
    if change is None:
        return ""
    total, ranks = change
    sign = "+" if total >= 0 else ""
    moved = f"▲{ranks}" if ranks > 0 else f"▼{-ranks}" if ranks < 0 else "="
    return f"{sign}{number(total, places)} {moved}"


def _cell(standing: Standing | None) -> str:
    if standing is None:
        return _("absent")
    tie = "=" if standing.tied else ""
    text = f"{number(standing.total, standing.places)} · {percent(standing.share)} · #{standing.rank}{tie}"
    return text + (f" · {standing.class_id}" if standing.class_id else "")


def bar(share: Decimal, width: int = _BAR_WIDTH) -> str:
    """A bar of eighth-blocks for a share between 0 and 1."""
    eighths = int((max(Decimal(0), min(share, Decimal(1))) * width * 8).to_integral_value())
    full, part = divmod(eighths, 8)
    return ("█" * full + ("▏▎▍▌▋▊▉"[part - 1] if part else "")).ljust(width)


def as_data(years: Sequence[int], units: Sequence[UnitHistory]) -> dict[str, Any]:
    def standing(unit: UnitHistory, year: int) -> dict[str, Any] | None:
        s = unit.standings.get(year)
        if s is None:
            return None
        change = unit.change(year, years)
        return {
            "total": number(s.total, s.places),
            "max_points": number(s.max_points, s.places),
            "share": number(s.share, 4),
            "rank": s.rank,
            "tied": s.tied,
            "of": s.ranked,
            "class": s.class_id,
            "change": None if change is None else {"total": number(change[0], s.places), "rank": change[1]},
        }

    return {
        "years": list(years),
        "units": [
            {"department": u.department, "name": u.name, "years": {str(y): standing(u, y) for y in years}}
            for u in units
        ],
    }


def as_json(years: Sequence[int], units: Sequence[UnitHistory]) -> str:
    return json.dumps(as_data(years, units), ensure_ascii=False, indent=2) + "\n"


def as_table(years: Sequence[int], units: Sequence[UnitHistory]) -> Any:
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=_("Totals, share of the maximum and rank by year"),
        box=None,
        padding=(0, 1, 0, 0),
        pad_edge=False,
        header_style="bold underline",
        caption=_("▲/▼: places gained or lost against the year before"),
    )
    table.add_column(_("Unit"), overflow="fold", ratio=1, min_width=12)
    for year in years:
        table.add_column(str(year), no_wrap=True)
    for unit in units:
        cells = []
        for year in years:
            s = unit.standings.get(year)
            if s is None:
                cells.append(Text(_("absent"), style="dim"))
                continue
            change = unit.change(year, years)
            text = Text(_cell(s) + "\n")
            text.append(bar(s.share), style="green")
            if change is not None:
                text.append(
                    " " + _change_text(change, s.places),
                    style="green" if change[1] > 0 else "red" if change[1] < 0 else "",
                )
            cells.append(text)
        table.add_row(Text(terminal_text(unit.name)), *cells)
    return table


def as_csv(years: Sequence[int], units: Sequence[UnitHistory]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        ["department", "name", "year", "present", "total", "share", "rank", "tied", "total_change", "rank_change"]
    )
    for unit in units:
        for year in years:
            s = unit.standings.get(year)
            if s is None:
                writer.writerow([unit.department, csv_text(unit.name), year, "no", "", "", "", "", "", ""])
                continue
            change = unit.change(year, years)
            writer.writerow(
                [
                    unit.department,
                    csv_text(unit.name),
                    year,
                    "yes",
                    number(s.total, s.places),
                    number(s.share, 4),
                    s.rank,
                    "yes" if s.tied else "no",
                    "" if change is None else number(change[0], s.places),
                    "" if change is None else change[1],
                ]
            )
    return "\ufeff" + buffer.getvalue()


def as_markdown(years: Sequence[int], units: Sequence[UnitHistory]) -> str:
    lines = ["| " + _("Unit") + " | " + " | ".join(str(y) for y in years) + " |", "|---|" + "---|" * len(years)]
    for unit in units:
        cells = []
        for year in years:
            s = unit.standings.get(year)
            text = _cell(s)
            change = unit.change(year, years)
            if s is not None and change is not None:
                text += f" ({_change_text(change, s.places)})"
            cells.append(text)
        lines.append(f"| {markdown_text(unit.name)} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
