"""Output formats: one module per thing shown (problems, rules, scores, diffs).

Renderers take core results and return text; they never compute points and
never decide exit codes.
"""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING

from .. import i18n
from ..arithmetic import STYLE, number, plain, vietnamese
from ..i18n import _

if TYPE_CHECKING:
    from ..engine import RankedUnit
    from ..meeting import Meeting
    from ..ruleset import Award, Conditions, Ruleset

__all__ = [
    "BLANK",
    "award_in_words",
    "award_titles",
    "conditions_in_words",
    "csv_text",
    "day",
    "extra_cells",
    "extra_columns",
    "figure",
    "figures",
    "markdown_text",
    "number",
    "percent",
    "place_and_date",
    "plain",
    "terminal_text",
    "tie_breaker_in_words",
]

#: where the minutes leave a blank to fill by hand
BLANK = "……………"


#: the formats written for programs: their numbers and dates stay machine ones in every language
MACHINE_FORMATS = frozenset({"json", "csv", "github", "yaml"})  # yaml: a template, where a decimal takes a dot


@contextmanager
def figures(human: bool) -> Iterator[None]:
    """Within it, `figure` and `day` (and every number a renderer or a rule's words write) are for
    people when `human`: in Vietnamese, `611,55`, `1.620`, `28/12/2017` (SPEC 8); machine ones otherwise."""
    token = STYLE.set("human" if human else "machine")
    try:
        yield
    finally:
        STYLE.reset(token)


_MACHINE_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def figure(value: Decimal | str, places: int | None = None) -> str:
    """A number as the output writes it: with `places` fixed (points), else as written (parameters).

    A text is a number already written the machine way (`"650.00"`, a `diff-rules` value): it is
    written again for people; any other text is left as it is.
    """
    if isinstance(value, str):
        human = STYLE.get() == "human" and i18n.language() == "vi"
        return vietnamese(value) if human and _MACHINE_NUMBER.fullmatch(value) else value
    return plain(value) if places is None else number(value, places)


def day(value: str | datetime.date, always: bool = False) -> str:
    """A date (`2017-12-28`) as the output writes it: `28/12/2017` in Vietnamese figures, or `always`
    (the minutes, a Vietnamese administrative document); any other text as it is."""
    text = value.isoformat() if isinstance(value, datetime.date) else value
    vietnamese = always or (STYLE.get() == "human" and i18n.language() == "vi")
    if not vietnamese or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return text
    year, month, date = text.split("-")
    return f"{date}/{month}/{year}"


def percent(share: Decimal, places: int = 1) -> str:
    return f"{number(share * 100, places)} %"


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
    if conditions.when is not None:
        words.append(_("when {condition}").format(condition=conditions.when))
    return words


def tie_breaker_in_words(ruleset: Ruleset, breaker: str) -> str:
    """A tie-breaker as people read it: `content:1` as the points of content 1, `fewer_deductions` in words."""
    kind, _colon, target = breaker.partition(":")
    if breaker == "fewer_deductions":
        return _("fewer deductions")
    if kind == "content":
        return _("points of content {id}").format(id=target)
    criterion = ruleset.criterion(target) if kind == "criterion" else None
    if criterion is not None:
        return _("points of criterion {no}").format(no=criterion.no)
    return breaker


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


# Text that came from input files (names, titles, reasons, evidence, sources), made safe for
# each format (SPEC 10): it can break no row, forge no line, run no formula and no markup.
# Control characters are refused on input (yamlio); a newline inside a text value is allowed.

_FORMULA_START = ("=", "+", "-", "@")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_text(text: str) -> str:
    """For a table or tree on a terminal: a newline shown as ↵ (no forged line), no control sequence."""
    return _CONTROLS.sub("\ufffd", text.replace("\r\n", "\n").replace("\n", " ↵ ").replace("\t", " "))


def markdown_text(text: str) -> str:
    """For a Markdown table cell or list item: `|` escaped, HTML inert, a newline a <br>."""
    cleaned = _CONTROLS.sub("\ufffd", text.replace("\r\n", "\n").replace("\t", " "))
    escaped = html.escape(cleaned.replace("\\", "\\\\"), quote=False).replace("|", "\\|")
    return escaped.replace("\n", "<br>")


def csv_text(text: str) -> str:
    """For a CSV cell opened in Excel: a text that starts like a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def extra_columns(ruleset: Ruleset) -> list[str]:
    """The heads of the columns SPEC 7 adds to a ranking where the ruleset has them: group, class."""
    return ([_("Group")] if ruleset.groups else []) + ([_("Class")] if ruleset.classification else [])


def extra_cells(ruleset: Ruleset, unit: RankedUnit) -> list[str]:
    """A unit's group and class titles, under `extra_columns`."""
    groups = {g.id: g.title for g in ruleset.groups}
    classes = {c.id: c.title for c in ruleset.classification}
    return ([groups.get(unit.group or "", "")] if ruleset.groups else []) + (
        [classes.get(unit.class_id or "", "")] if ruleset.classification else []
    )


def award_titles(ruleset: Ruleset, unit: RankedUnit) -> str:
    """The titles of every award proposed to a unit, the exclusive one first."""
    titles = {a.id: a.title for a in ruleset.awards}
    return "; ".join(titles.get(a, a) for a in unit.awards)
