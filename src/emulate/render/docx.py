"""Word documents in the form of Vietnamese administrative documents (Decree 30/2020/NĐ-CP).

`minutes_document` writes the minutes of the bloc's year-end meeting (biên bản
họp bình xét): the national motto header, the bloc's name, place and date,
attendees, the ranked table, the review's corrections, the proposals and the
ballots, the signatures, and the inputs' hashes in an annex.
`scoring_sheet_document` writes one unit's scoring sheet (phiếu chấm điểm).

The decree fixes the page: A4, Times New Roman 13-14 pt, margins of 20-25 mm
top and bottom, 30-35 mm left and 15-20 mm right, page numbers at the top
centre from the second page. The decree's own wording (the motto, the form of
the date, "(Ký, ghi rõ họ tên)") is Vietnamese in every language. Nothing
depends on the clock: the same inputs give the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ..engine import RankedUnit
from ..evaluation import Evaluation
from ..i18n import _
from ..meeting import BallotResult, Meeting, carried_awards
from . import BLANK, award_titles, day, extra_cells, extra_columns, number, percent, place_and_date
from .explain import scoring_sheet_rows, sheet_total
from .score import adjustment_rows, quota_tie_notes, self_declared_note

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 13
# Decree 30/2020, appendix I: top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
SIGN_HINT = "(Ký, ghi rõ họ tên)"
# zip entries carry a time; a fixed one keeps the file byte-identical (the zip format starts in 1980)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def minutes_document(
    evaluation: Evaluation,
    meeting: Meeting | None,
    ballots: Sequence[BallotResult] | None,
    inputs: Sequence[tuple[str, str]],
) -> bytes:
    """The minutes as .docx bytes; `inputs` are (file, sha256) of every input, for the annex."""
    ruleset, ranking = evaluation.ruleset, evaluation.ranking
    places = ruleset.rounding.places
    names = {d.id: d.name for d in ruleset.departments}
    document = _new_document(_("Minutes of the emulation review meeting, {year}").format(year=ranking.year))
    _national_header(document, ruleset.bloc_name or ruleset.title, meeting)
    _centred(document, _("MINUTES"), bold=True, size=BODY_PT + 1, before=12)
    _centred(document, _("Emulation review meeting of {year}").format(year=ranking.year), bold=True)
    note = self_declared_note(evaluation)
    if note is not None:
        _centred(document, note, bold=True, italic=True)
    if ruleset.based_on:
        _centred(document, _("Based on {regulation}").format(regulation=ruleset.based_on), italic=True)

    _heading(document, _("I. TIME, PLACE AND PARTICIPANTS"))
    date = meeting.date if meeting is not None else None
    _line(document, _("Time: {date}").format(date=day(date, always=True) if date else BLANK))
    _line(document, _("Place: {place}").format(place=(meeting.place if meeting else None) or BLANK))
    _line(document, _("Chair: {person}").format(person=(meeting.chair if meeting else None) or BLANK))
    _line(document, _("Secretary: {person}").format(person=(meeting.secretary if meeting else None) or BLANK))
    _line(document, _("Participants:"))
    attendees: list[list[str]]
    if meeting is not None and meeting.attendees:
        attendees = [[names.get(a.department, a.department), a.person, a.title or ""] for a in meeting.attendees]
    else:  # one row per member unit, to fill by hand
        attendees = [[d.name, "", ""] for d in ruleset.departments]
    _table(document, [_("No."), _("Unit"), _("Full name"), _("Position")], _numbered(attendees), {0}, (14, 61, 50, 40))

    _heading(document, _("II. PROCEEDINGS"))
    _line(document, _("1. Results of the scoring"), bold=True)
    _line(
        document,
        _("Maximum {maximum} points, bonus at most {bonus}; ruleset {ruleset}, version {version}.").format(
            maximum=number(ruleset.max_points, places),
            bonus=number(ruleset.max_bonus, places),
            ruleset=ruleset.ruleset,
            version=ruleset.version,
        ),
    )
    contents = [c.id for c in ruleset.contents]
    rows = [
        [
            _rank(unit),
            unit.card.name,
            *(number(unit.card.contents[c], places) for c in contents),
            number(unit.card.bonus, places),
            number(unit.card.deducted, places),
            number(unit.card.total, places),
            award_titles(ruleset, unit),
            *extra_cells(ruleset, unit),
        ]
        for unit in ranking.units
    ]
    headers = [
        _("Rank"),
        _("Unit"),
        *(_("Content {id}").format(id=c) for c in contents),
        _("Bonus"),
        _("Ded."),
        _("Total"),
        _("Proposed award"),
    ]
    numeric = set(range(2, len(headers) - 1)) | {0}
    extra = extra_columns(ruleset)  # group and class (SPEC 7), each 20 mm taken from the award's and the numbers'
    headers += extra
    # the width of a portrait A4 page (165 mm between the margins) shared out: names and awards wrap, numbers not
    award_mm = 35 - 10 * len(extra)
    number_mm = (165 - 12 - 35 - 12 - 15 - award_mm - 20 * len(extra)) // (len(contents) + 1)
    widths = (12, 35, *([number_mm] * (len(contents) + 1)), 12, 15, award_mm, *([20] * len(extra)))
    _table(document, headers, rows, numeric, widths, size=TABLE_PT - 3)
    if ranking.missing:
        _line(
            document,
            _("No submission (not ranked): {units}").format(units=", ".join(names.get(m, m) for m in ranking.missing)),
        )

    _line(document, _("2. Corrections by the bloc's review"), bold=True)
    if evaluation.effects:
        corrections = [list(row) for row in adjustment_rows(evaluation)]
        _table(
            document,
            [_("Unit"), _("No"), _("Criterion"), _("Self-declared"), _("Reviewed"), _("Reason")],
            corrections,
            {3, 4},
            (30, 16, 38, 18, 18, 45),
            size=TABLE_PT - 2,
        )
    else:
        _line(document, _("None."))

    _line(document, _("3. Award proposals and the ballot"), bold=True)
    _proposals(document, evaluation, ballots)

    _line(document, _("The minutes were read to the meeting, and the meeting agreed with them."), before=6)
    _signatures(document, meeting)
    _annex(document, inputs)
    return _save(document, meeting, ranking.year)


def _proposals(document: Any, evaluation: Evaluation, ballots: Sequence[BallotResult] | None) -> None:
    ruleset, ranking = evaluation.ruleset, evaluation.ranking
    names = {d.id: d.name for d in ruleset.departments}
    decided = {r.ballot.award: r for r in ballots or ()}
    carried = carried_awards(ballots or ())
    for award in ruleset.awards:
        result = decided.get(award.id)
        proposed = [u.card.department for u in ranking.units if u.award == award.id]
        candidates = list(result.candidates) if result is not None else proposed
        share = _("more than") if not award.ballot_inclusive else _("at least")
        _line(
            document,
            _("{award} (at most {quota}; carried by {share} {ballot_share} of the voters)").format(
                award=award.title, quota=award.quota, share=share, ballot_share=percent(award.ballot_share, 0)
            ),
            italic=True,
        )
        if not candidates:
            _line(document, _("No unit is proposed."))
            continue
        rows = []
        for department in candidates:
            if result is None:
                rows.append([names.get(department, department), BLANK, BLANK, ""])
                continue
            votes = dict(result.ballot.votes).get(department, 0)
            rows.append(
                [
                    names.get(department, department),
                    f"{votes}/{result.ballot.voters}",
                    percent(Decimal(votes) / result.ballot.voters),
                    _("carried") if carried.get(department) == award.id else _("not carried"),
                ]
            )
        _table(document, [_("Unit proposed"), _("Votes"), _("Share"), _("Result")], rows, {1, 2}, (80, 25, 25, 35))
    for note in quota_tie_notes(ranking):
        _line(document, note, italic=True)
    if ballots is None:
        _line(document, _("Proposals only: the bloc's secret ballot decides."), italic=True)


def scoring_sheet_document(evaluation: Evaluation, unit: RankedUnit) -> bytes:
    """One unit's scoring sheet: every criterion with its value, evidence, points, self-score and correction."""
    ruleset, ranking = evaluation.ruleset, evaluation.ranking
    card = unit.card
    document = _new_document(_("Scoring sheet: {unit}, {year}").format(unit=card.name, year=ranking.year))
    _national_header(document, ruleset.bloc_name or ruleset.title, None)
    _centred(document, _("SCORING SHEET"), bold=True, size=BODY_PT + 1, before=12)
    _centred(document, _("Emulation of {year}: {unit}").format(year=ranking.year, unit=card.name), bold=True)
    _line(
        document,
        sheet_total(ruleset, card),
    )
    headers, rows, numeric = scoring_sheet_rows(evaluation, unit)
    _table(document, headers, rows, numeric, (12, 34, 40, 27, 18, 14, 20), size=TABLE_PT - 4)
    _signatures(document, None, left=_("HEAD OF THE UNIT"), right=_("BLOC LEADER"))
    return _save(document, None, ranking.year)


# --- the page --------------------------------------------------------------------------


def _new_document(title: str) -> Any:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    # Word takes East Asian and complex-script text from their own font slots: set them all
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    style.paragraph_format.space_after = Pt(3)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    # page numbers at the top centre, from the second page: the first page's header stays empty
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(header)
    properties = document.core_properties
    properties.title = title
    properties.author = "emulate"
    properties.last_modified_by = "emulate"
    properties.comments = ""
    return document


def _page_field(paragraph: Any) -> None:
    """A PAGE field: Word and LibreOffice put the page's number in its place."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "2"), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = " PAGE "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _national_header(document: Any, bloc: str, meeting: Meeting | None) -> None:
    """The decree's header: the issuing body left, the national motto right, each centred in its column."""
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    left, right = table.rows[0].cells
    _widths(table, (62, 103))
    _cell_line(left, bloc.upper(), bold=True, size=TABLE_PT, first=True)
    _cell_line(left, "———", size=TABLE_PT)
    _cell_line(right, MOTTO[0], bold=True, size=TABLE_PT - 1, first=True)
    _cell_line(right, MOTTO[1], bold=True, size=BODY_PT)
    _cell_line(right, "———————————", size=TABLE_PT)
    _cell_line(right, place_and_date(meeting), italic=True, size=BODY_PT)


def _cell_line(
    cell: Any, text: str, bold: bool = False, italic: bool = False, size: int = BODY_PT, first: bool = False
) -> None:
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)


def _centred(
    document: Any, text: str, bold: bool = False, italic: bool = False, size: int = BODY_PT, before: int = 0
) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_before = Pt(before)
    run = paragraph.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)


def _heading(document: Any, text: str) -> None:
    _line(document, text, bold=True, before=9)


def _line(document: Any, text: str, bold: bool = False, italic: bool = False, before: int = 0) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.space_before = Pt(before)
    paragraph.paragraph_format.keep_with_next = bold or text.endswith(":")  # a heading stays with what follows
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic


def _table(
    document: Any,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    numeric: set[int],
    widths_mm: Sequence[int],
    size: int = TABLE_PT,
) -> None:
    """A ruled table whose columns have the widths given (in mm: Word and LibreOffice differ in autofit)."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _table_text(cell, text, size, bold=True, centre=True)
    _repeat_as_header(table.rows[0])
    for row in rows:
        cells = table.add_row().cells
        for j, (cell, text) in enumerate(zip(cells, row, strict=True)):
            _table_text(cell, text, size, right=j in numeric)
    _widths(table, widths_mm)
    document.add_paragraph()


def _widths(table: Any, widths_mm: Sequence[int]) -> None:
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)


def _table_text(cell: Any, text: str, size: int, bold: bool = False, centre: bool = False, right: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    if centre:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(text)
    run.bold, run.font.size = bold, Pt(size)


def _repeat_as_header(row: Any) -> None:
    """A table that runs over a page repeats its header row."""
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)


def _numbered(rows: list[list[str]]) -> list[list[str]]:
    return [[str(i), *row] for i, row in enumerate(rows, start=1)]


def _rank(unit: RankedUnit) -> str:
    return f"{unit.rank}=" if unit.tied else str(unit.rank)


def _signatures(document: Any, meeting: Meeting | None, left: str | None = None, right: str | None = None) -> None:
    """Signature blocks side by side, as the decree places them: secretary left, chair right."""
    document.add_paragraph()
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _widths(table, (82, 83))
    people = (
        (left or _("SECRETARY"), meeting.secretary if meeting is not None else None),
        (right or _("CHAIR"), meeting.chair if meeting is not None else None),
    )
    for cell, (role, person) in zip(table.rows[0].cells, people, strict=True):
        _cell_line(cell, role, bold=True, first=True)
        _cell_line(cell, SIGN_HINT, italic=True)
        for _blank in range(4):
            _cell_line(cell, "")
        _cell_line(cell, person or "", bold=True)


def _annex(document: Any, inputs: Sequence[tuple[str, str]]) -> None:
    if not inputs:
        return
    document.add_page_break()
    _centred(document, _("ANNEX: THE INPUTS"), bold=True)
    _line(
        document,
        _("The sha256 of every file the ranking was computed from; `emulate verify` checks them."),
        italic=True,
    )
    _table(document, [_("File"), "sha256"], [[f, s] for f, s in inputs], set(), (60, 105), size=9)


def _save(document: Any, meeting: Meeting | None, year: int) -> bytes:
    """The .docx bytes, with no time of writing in them (core properties and zip entries)."""
    day = meeting.day_month_year if meeting is not None else (31, 12, year)
    moment = datetime(day[2], day[1], day[0], tzinfo=UTC)
    properties = document.core_properties
    properties.created = properties.modified = moment
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip_times(buffer.getvalue())


def _fixed_zip_times(package: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, _ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
