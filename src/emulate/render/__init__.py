"""Output formats: one module per thing shown (problems, rules, scores, diffs).

Renderers take core results and return text; they never compute points and
never decide exit codes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ..arithmetic import number, plain, round_points

if TYPE_CHECKING:
    from ..meeting import Meeting

__all__ = ["BLANK", "number", "percent", "place_and_date", "plain"]

#: where the minutes leave a blank to fill by hand
BLANK = "……………"


def percent(share: Decimal, places: int = 1) -> str:
    return f"{round_points(share * 100, places):f} %"


def place_and_date(meeting: Meeting | None) -> str:
    """`Hà Nội, ngày 28 tháng 12 năm 2017`, the decree's form; dots to fill by hand without a meeting."""
    if meeting is None or meeting.place is None:
        place = BLANK
    else:
        place = meeting.place
    if meeting is None:
        return f"{place}, ngày …… tháng …… năm ……"
    day, month, year = meeting.day_month_year
    # the decree writes days below 10, and the months January and February, with a leading zero
    shown_month = f"{month:02d}" if month < 3 else str(month)
    return f"{place}, ngày {day:02d} tháng {shown_month} năm {year}"
