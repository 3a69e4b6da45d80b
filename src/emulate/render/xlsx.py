"""An Excel workbook for the provincial board: ranking, points per criterion, a native chart.

Written with openpyxl; numbers are real numbers in the cells (not text), with
a number format of the ruleset's decimal places, so that Excel can sum them.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any, Sequence

from ..evaluation import Evaluation
from ..engine import round_points
from ..i18n import _


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
    contents = [c.id for c in ruleset.contents]
    headers = [_("Rank"), _("Unit"), *(_("Content {id}").format(id=c) for c in contents), _("Bonus"), _("Deductions"), _("Total"),
               _("Share"), _("Award")]
    sheet.append(headers)
    awards = {a.id: a.title for a in ruleset.awards}
    for unit in ranking.units:
        card = unit.card
        sheet.append([
            f"{unit.rank}=" if unit.tied else unit.rank, card.name,
            *(_value(card.contents[c], places) for c in contents),
            _value(card.bonus, places), _value(card.deducted, places), _value(card.total, places),
            round_points(card.share, 4), awards.get(unit.award or "", ""),
        ])
    for row in sheet.iter_rows(min_row=2, min_col=3, max_col=len(headers) - 2):
        for cell in row:
            cell.number_format = fmt
    for row in sheet.iter_rows(min_row=2, min_col=len(headers) - 1, max_col=len(headers) - 1):
        for cell in row:
            cell.number_format = "0.0%"
    _bold_header(sheet)
    sheet.freeze_panes = "C2"
    _widths(sheet, [6, 36, *([11] * len(contents)), 9, 11, 10, 8, 34])

    count = len(ranking.units)
    if count:
        chart = BarChart()
        chart.type = "bar"
        chart.grouping = "stacked"
        chart.overlap = 100
        chart.title = _("Total by content")
        chart.y_axis.title = _("Points")
        # the content columns and the bonus column right after them: the bars add up to base + bonus
        data = Reference(sheet, min_col=3, max_col=3 + len(contents), min_row=1, max_row=1 + count)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=2, min_row=2, max_row=1 + count))
        chart.height, chart.width = 4 + count * 0.8, 22
        sheet.add_chart(chart, f"A{count + 4}")

    criteria = book.create_sheet(_("Criteria"))
    criteria.append([_("No"), _("Criterion"), _("Maximum"), *(u.card.name for u in ranking.units)])
    for content in ruleset.contents:
        criteria.append([content.id, content.title, _value(content.max_points, places),
                         *(_value(u.card.contents[content.id], places) for u in ranking.units)])
        for c in content.criteria:
            criteria.append([c.no, c.title, _value(c.max_points + c.max_bonus, places),
                             *(_value(u.card.criterion(c.id).total, places) for u in ranking.units)])
    criteria.append(["", _("Deductions"), None, *(_value(u.card.deducted, places) for u in ranking.units)])
    criteria.append(["", _("Total"), _value(ruleset.max_points, places), *(_value(u.card.total, places) for u in ranking.units)])
    for row in criteria.iter_rows(min_row=2, min_col=3):
        for cell in row:
            cell.number_format = fmt
    _bold_header(criteria)
    criteria.freeze_panes = "D2"
    _widths(criteria, [6, 48, 10, *([16] * count)])

    if evaluation.effects:
        review = book.create_sheet(_("Review"))
        review.append([_("Unit"), _("No"), _("Criterion"), _("Self-declared"), _("Reviewed"), _("Reason")])
        names = {d.id: d.name for d in ruleset.departments}
        for e in evaluation.effects:
            review.append([names.get(e.adjustment.department, e.adjustment.department), e.no, e.title,
                           _value(e.self_declared, places), _value(e.reviewed, places), e.adjustment.reason])
        for row in review.iter_rows(min_row=2, min_col=4, max_col=5):
            for cell in row:
                cell.number_format = fmt
        _bold_header(review)
        review.freeze_panes = "A2"
        _widths(review, [30, 9, 40, 13, 11, 60])
    return _save(book)


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
            row += [_("absent"), None, None] if s is None else [_value(s.total, s.places), round_points(s.share, 4), s.rank]
        sheet.append(row)
    for row in sheet.iter_rows(min_row=2, min_col=2):
        for i, cell in enumerate(row):
            cell.number_format = ["0.00", "0.0%", "0"][i % 3]
    _bold_header(sheet)
    sheet.freeze_panes = "B2"
    _widths(sheet, [36, *([10] * (3 * len(years)))])
    return _save(book)


def _save(book: Any) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
