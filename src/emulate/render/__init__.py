"""Output formats: one module per thing shown (problems, rules, scores, diffs).

Renderers take core results and return text; they never compute points and
never decide exit codes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ..arithmetic import number, plain, round_points
from ..i18n import _

if TYPE_CHECKING:
    from ..meeting import Meeting
    from ..ruleset import Award, Conditions

__all__ = ["BLANK", "award_in_words", "conditions_in_words", "number", "percent", "place_and_date", "plain"]

#: where the minutes leave a blank to fill by hand
BLANK = "……………"


def percent(share: Decimal, places: int = 1) -> str:
    return f"{round_points(share * 100, places):f} %"


def conditions_in_words(conditions: Conditions) -> list[str]:
    """Each condition of a class or an award, in words (the one wording every output uses)."""
    words = []
    if conditions.min_share is not None:
        words.append(_("total ≥ {share} % of the maximum").format(share=plain(conditions.min_share * 100)))
    if conditions.min_points is not None:
        words.append(_("total ≥ {points} points").format(points=plain(conditions.min_points)))
    if conditions.min_criterion_share is not None:
        words.append(
            _("every criterion ≥ {share} % of its maximum").format(share=plain(conditions.min_criterion_share * 100))
        )
    if conditions.require_zero:
        words.append(_("requires zero {ids}").format(ids=", ".join(conditions.require_zero)))
    return words


def award_in_words(award: Award) -> str:
    """How many units an award goes to, and on what conditions."""
    if award.exclusive:
        reach = _("{quota} unit(s)").format(quota=award.quota)
        if award.across_groups:
            reach += " " + _("across groups")
    else:
        reach = _("every unit that meets it")
    return ", ".join([reach, *conditions_in_words(award)])


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
