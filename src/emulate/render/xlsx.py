"""Excel workbooks for the provincial board: ranking, points per criterion, a native chart; history; rule changes.

Written with openpyxl; numbers are real numbers in the cells (not text), with
a number format of the ruleset's decimal places, so that Excel can sum them.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..arithmetic import round_points
from ..evaluation import Evaluation
from ..i18n import _
from . import award_titles, extra_cells, extra_columns
from .score import self_declared_note

if TYPE_CHECKING:
    from ..diff import Change, Impact
    from ..engine import ScoreCard
    from ..ruleset import Ruleset


def _value(value: Decimal, places: int) -> Any:
    # openpyxl writes Decimal as a number cell; rounding first keeps the record's digits
    return round_points(value, places)


def _number_format(places: int) -> str:
    return "0" if places == 0 else "0." + "0" * places


def _bold_header(sheet: Any, row: int = 1) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    for cell in sheet[row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _widths(sheet: Any, widths: Sequence[int]) -> None:
    from openpyxl.utils import get_column_letter

    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width


def score_workbook(evaluation: Evaluation) -> bytes:
    """The workbook as bytes: sheets Ranking, Criteria (and Review when a review was applied)."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    ruleset, ranking = evaluation.ruleset, evaluation.ranking
    places = ruleset.rounding.places
    fmt = _number_format(places)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Ranking")
    top = _title_block(sheet, evaluation)  # the header row: below the bloc, year, version and basis
    contents = [c.id for c in ruleset.contents]
    headers = [
        _("Rank"),
        _("Shared"),
        _("Unit"),
        *(_("Content {id}").format(id=c) for c in contents),
        _("Bonus"),
        _("Deductions"),
        _("Total"),
        _("Share"),
        _("Award"),
        *extra_columns(ruleset),
    ]
    sheet.append(headers)
    for unit in ranking.units:
        card = unit.card
        sheet.append(
            [
                unit.rank,  # a number, so that Excel sorts by it; a shared rank is marked apart
                "=" if unit.tied else None,
                card.name,
                *(_value(card.contents[c], places) for c in contents),
                _value(card.bonus, places),
                _value(card.deducted, places),
                _value(card.total, places),
                round_points(card.share, 4),
                award_titles(ruleset, unit),
                *extra_cells(ruleset, unit),
            ]
        )
    share_column = headers.index(_("Share")) + 1
    for row in sheet.iter_rows(min_row=top + 1, min_col=4, max_col=share_column - 1):
        for cell in row:
            cell.number_format = fmt
    for row in sheet.iter_rows(min_row=top + 1, min_col=share_column, max_col=share_column):
        for cell in row:
            cell.number_format = "0.0%"
    _bold_header(sheet, top)
    sheet.freeze_panes = f"D{top + 1}"
    sheet.auto_filter.ref = f"A{top}:{_column(len(headers))}{top + len(ranking.units)}"
    _widths(sheet, [6, 7, 36, *([11] * len(contents)), 9, 11, 10, 8, 34])

    count = len(ranking.units)
    if count:
        chart = BarChart()
        chart.type = "bar"
        chart.grouping = "stacked"
        chart.overlap = 100
        chart.title = _("Total by content")
        chart.y_axis.title = _("Points")
        # the content columns and the bonus column right after them: the bars add up to base + bonus
        data = Reference(sheet, min_col=4, max_col=4 + len(contents), min_row=top, max_row=top + count)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=3, min_row=top + 1, max_row=top + count))
        chart.height, chart.width = 4 + count * 0.8, 22
        sheet.add_chart(chart, f"A{top + count + 3}")

    _criteria_sheet(book.create_sheet(_("Criteria")), evaluation)

    if evaluation.effects:
        review = book.create_sheet(_("Review"))
        review.append([_("Unit"), _("No"), _("Criterion"), _("Self-declared"), _("Reviewed"), _("Reason")])
        names = {d.id: d.name for d in ruleset.departments}
        for e in evaluation.effects:
            review.append(
                [
                    names.get(e.adjustment.department, e.adjustment.department),
                    e.no,
                    e.title,
                    _value(e.self_declared, places),
                    _value(e.reviewed, places),
                    e.adjustment.reason,
                ]
            )
        for row in review.iter_rows(min_row=2, min_col=4, max_col=5):
            for cell in row:
                cell.number_format = fmt
        _bold_header(review)
        review.freeze_panes = "A2"
        _widths(review, [30, 9, 40, 13, 11, 60])
    return save_workbook(book)


def _column(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def _title_block(sheet: Any, evaluation: Evaluation) -> int:
    """The bloc, year, ruleset version and basis above the first sheet's table; the row of its header."""
    from openpyxl.styles import Font

    ruleset, review = evaluation.ruleset, evaluation.review
    if review is not None:
        basis = _("Basis: the reviewed values (reviews/{year}.yaml, reviewed by {reviewed_by})").format(
            year=ruleset.year, reviewed_by=review.reviewed_by
        )
    else:
        basis = self_declared_note(evaluation) or _("Basis: the self-declared values (no review)")
    lines = [
        ruleset.bloc_name or ruleset.title,
        _("{title} · {year} · ruleset {ruleset}, version {version}").format(
            title=ruleset.title, year=ruleset.year, ruleset=ruleset.ruleset, version=ruleset.version
        ),
        basis,
    ]
    for line in lines:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A3"].font = Font(bold=True, italic=evaluation.review is None)
    sheet.append([])
    return len(lines) + 2


def _criteria_sheet(sheet: Any, evaluation: Evaluation) -> None:
    """One row per unit and one column per content and criterion, numbered as in the rules, under a row of maxima.

    The columns add up: a content's column is the sum of its criteria's base points; the bonus (of every
    criterion, and the bonus criteria) and the deductions have a column each; base + bonus − deductions
    is the total (never below 0 when the rules floor it). Units are rows, not columns: a sheet has 16,384
    columns but a million rows, so a bloc of any size fits. The criteria's titles are the heads' comments.
    """
    from openpyxl.comments import Comment

    ruleset, places = evaluation.ruleset, evaluation.ruleset.rounding.places
    # (head, title, maximum, points of a unit) for each column of points, in the order of the rules
    columns: list[tuple[str, str, Decimal | None, Callable[[ScoreCard], Decimal]]] = []
    for content in ruleset.contents:
        columns.append((content.id, content.title, content.max_points, _content_points(content.id)))
        for c in content.criteria:
            if c.is_base:
                columns.append((c.no, c.title, c.max_points, _criterion_points(c.id)))
            else:  # all its points are bonus (or a deduction): not part of the content's sum
                head = f"{c.no} ({_('bonus') if c.counts_as == 'bonus' else _('deduction')})"
                columns.append((head, c.title, c.max_points + c.max_bonus, _criterion_total(c.id)))
    columns.append((_("Bonus"), _("Bonus"), ruleset.max_bonus, lambda card: card.bonus))
    columns.append((_("Deductions"), _("Deductions"), None, lambda card: card.deducted))
    columns.append((_("Total"), _("Total"), ruleset.max_points, lambda card: card.total))
    sheet.append([_("Rank"), _("Shared"), _("Unit"), *(head for head, _title, _max, _points in columns)])
    sheet.append(["", "", _("Maximum"), *(_value(m, places) if m is not None else None for _h, _t, m, _p in columns)])
    for unit in evaluation.ranking.units:
        card = unit.card
        sheet.append(
            [
                unit.rank,
                "=" if unit.tied else None,
                card.name,
                *(_value(points(card), places) for _h, _t, _m, points in columns),
            ]
        )
    for i, (head, title, _max, _points) in enumerate(columns, start=4):
        if title != head:
            sheet.cell(row=1, column=i).comment = Comment(title, "emulate")
    fmt = _number_format(places)
    for row in sheet.iter_rows(min_row=2, min_col=4):
        for cell in row:
            cell.number_format = fmt
    _bold_header(sheet)
    _bold_header(sheet, 2)
    sheet.freeze_panes = "D3"
    _widths(sheet, [6, 7, 36, *([9] * len(columns))])


def _content_points(content_id: str) -> Callable[[ScoreCard], Decimal]:
    return lambda card: card.contents[content_id]


def _criterion_points(criterion_id: str) -> Callable[[ScoreCard], Decimal]:
    """A base criterion's base points (its bonus is in the Bonus column): the content's column is their sum."""
    return lambda card: card.criterion(criterion_id).points


def _criterion_total(criterion_id: str) -> Callable[[ScoreCard], Decimal]:
    return lambda card: card.criterion(criterion_id).total


def history_workbook(years: Sequence[int], units: Sequence[Any]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("History")
    heads = [_("{year} total"), _("{year} share"), _("{year} rank")]
    sheet.append([_("Unit"), *(head.format(year=y) for y in years for head in heads)])
    for unit in units:
        row: list[Any] = [unit.name]
        for year in years:
            s = unit.standings.get(year)
            row += (
                [_("absent"), None, None]
                if s is None
                else [_value(s.total, s.places), round_points(s.share, 4), s.rank]
            )
        sheet.append(row)
    for row in sheet.iter_rows(min_row=2, min_col=2):
        for i, cell in enumerate(row):
            cell.number_format = ["0.00", "0.0%", "0"][i % 3]
    _bold_header(sheet)
    sheet.freeze_panes = "B2"
    _widths(sheet, [36, *([10] * (3 * len(years)))])
    return save_workbook(book)


def _number_cells(sheet: Any, formats: dict[int, str], min_row: int) -> None:
    """Give the number cells of the columns in `formats` (1-based) their number format."""
    for row in sheet.iter_rows(min_row=min_row):
        for cell in row:
            if cell.column in formats and isinstance(cell.value, (int, Decimal)):
                cell.number_format = formats[cell.column]


def _signed(number_format: str) -> str:
    """A format that shows gains with +, losses with - and no change as 0."""
    return f"+{number_format};-{number_format};{number_format}"


def diff_workbook(old: Ruleset, new: Ruleset, changes: Sequence[Change], impact: Impact | None = None) -> bytes:
    """`diff-rules --format xlsx`: a sheet of the changes, and with --rescore one of how each unit moves.

    Each sheet starts with a title row and a header row, both frozen. The changes keep the values
    as the rulesets write them (text: 0.6, "tot", a version 2017.1); the re-scoring's totals and
    ranks are numbers, each side's totals with its ruleset's decimal places.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from .diff import (
        award_cell,
        criterion_title,
        groups,
        headline,
        impact_notes,
        impact_title,
        kind_word,
        shown_path,
        shown_values,
        side_labels,
        summary,
    )

    book = Workbook()
    sheet = book.active
    sheet.title = _("Changes")
    sheet.append([f"{headline(old, new)} — {summary(changes)}"])
    sheet.append(
        [_("Change"), _("Part"), _("No"), _("Criterion"), _("Criterion title"), _("What changed"), _("Old"), _("New")]
    )
    for group in groups(old, new, changes):
        for section in group.sections:
            no, title = criterion_title(section.criterion, old, new) if section.criterion else ("", "")
            for change in section.changes:
                before, after = shown_values(change, old, new)
                sheet.append(
                    [
                        kind_word(change.op),
                        group.title,
                        no,
                        change.criterion or "",
                        title,
                        shown_path(change),
                        before,
                        after,
                    ]
                )
    sheet["A1"].font = Font(bold=True, size=12)
    _bold_header(sheet, 2)
    sheet.freeze_panes = "A3"
    _widths(sheet, [13, 34, 7, 24, 40, 28, 40, 40])
    book.properties.title = headline(old, new)

    if impact is not None:
        old_fmt, new_fmt = _number_format(old.rounding.places), _number_format(new.rounding.places)
        places = max(old.rounding.places, new.rounding.places)
        a, b = side_labels(old, new)
        moved = book.create_sheet(_("Re-scoring"))
        moved.append([impact_title(impact)])
        moved.append(
            [
                _("Unit"),
                _("{side} total").format(side=a),
                _("{side} total").format(side=b),
                _("Δ total"),
                _("{side} rank").format(side=a),
                _("{side} rank").format(side=b),
                _("Δ rank"),
                _("Award"),
            ]
        )
        for unit in impact.units:
            total_change = unit.total_change
            moved.append(
                [
                    unit.name,
                    _value(unit.old.total, unit.old.places) if unit.old else None,
                    _value(unit.new.total, unit.new.places) if unit.new else None,
                    _value(total_change, places) if total_change is not None else None,
                    unit.old.rank if unit.old else None,
                    unit.new.rank if unit.new else None,
                    unit.rank_movement,
                    award_cell(unit),
                ]
            )
        _number_cells(
            moved,
            {2: old_fmt, 3: new_fmt, 4: _signed(_number_format(places)), 5: "0", 6: "0", 7: _signed("0")},
            min_row=3,
        )
        notes = impact_notes(old, new, impact)
        if notes:
            moved.append([])
            for note in notes:
                moved.append([note])
        moved["A1"].font = Font(bold=True, size=12)
        _bold_header(moved, 2)
        moved.freeze_panes = "B3"
        _widths(moved, [36, 11, 11, 10, 9, 9, 9, 26])
    return save_workbook(book)


#: a text cell starting with one of these is a formula to Excel, or becomes one when edited (SPEC 10)
_FORMULA_START = ("=", "+", "-", "@")
#: the time written into the workbook and its zip entries: none of the time of writing (SPEC 10)
_NO_TIME = (1980, 1, 1, 0, 0, 0)
_CORE_TIMES = re.compile(rb"<dcterms:(created|modified)\b[^>]*>[^<]*</dcterms:\1>")


def save_workbook(book: Any) -> bytes:
    """The workbook's bytes: every text cell a text (never a formula), the same bytes for the same inputs."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
                    # a review's reason "=HYPERLINK(...)" is text: openpyxl would write it as a formula
                    cell.data_type = "s"
                    cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    buffer = io.BytesIO()
    book.save(buffer)
    return _without_times(buffer.getvalue())


def _without_times(data: bytes) -> bytes:
    """The zip again, with its entries' times fixed and the core properties' created/modified taken out."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                content = _CORE_TIMES.sub(b"", content)
            info = zipfile.ZipInfo(entry.filename, date_time=_NO_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = entry.external_attr
            target.writestr(info, content)
    return out.getvalue()
