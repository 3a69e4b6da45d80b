"""The Excel self-assessment form (SPEC 8): written from a ruleset, read back into a submission.

`form_workbook` lays out the rows that each criterion's rule kind gives
(`RuleBase.form_rows`: one home per kind) on the sheet `Tự chấm`, with a hidden
sheet holding the ruleset's id, year, version and sha256, the unit, and where
each input cell goes in the submission's value. `read_form` reads a filled
workbook back into the same plain data a YAML submission gives, and checks it
with the same validator (`submission.parse_submission`); every problem is
placed at its sheet and cell.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .i18n import _
from .kinds.base import FormCell, FormRow
from .problems import Problem, error
from .ruleset import Department, Ruleset
from .submission import LoadedSubmission, RulesetFor, parse_submission
from .yamlio import DEFAULT_MAX_BYTES, Document, NotReadable, PathKey, Position, TooLarge, read_regular, sha256_of

#: the sheet a unit fills in, and the hidden one that says what the form is
SHEET = "Tự chấm"
HIDDEN = "_emulate"
FORM_MARK = "emulate-form-1"

#: the form's columns: number, title, rule in words, maximum, the input columns, evidence, self-score
HEADERS = (
    "Số TT",
    "Nội dung",
    "Cách chấm",
    "Tối đa",
    "Tên chỉ tiêu",
    "Đơn vị tính",
    "Chiều",
    "Chỉ tiêu đăng ký",
    "Kết quả / giá trị",
    "Minh chứng",
    "Điểm tự chấm",
    "Ghi chú",
    "Không áp dụng: lý do",
)
#: the input column of each `FormCell.column`, 1-based
INPUT_COLUMNS = {"name": 5, "unit": 6, "direction": 7, "target": 8, "value": 9}
EVIDENCE_COLUMN = 10
SELF_SCORE_COLUMN = 11
NOTE_COLUMN = 12
#: for a criterion the ruleset lets a unit declare not applicable (SPEC 7.4): the reason, when it does
REASON_COLUMN = 13
#: where the title block shows the year and the unit: problems with them are placed there
YEAR_CELL = (3, 2)
VERSION_CELL = (4, 2)
UNIT_CELL = (5, 2)
INSTRUCTIONS = (
    "Hướng dẫn:",
    "1. Chỉ nhập vào các ô nền vàng; các ô khác được khóa.",
    "2. Số thập phân viết như Excel hiển thị (ví dụ 12,5 hoặc 12.5 tùy máy); không nhập công thức.",
    "3. Ô có danh sách: chọn một giá trị trong danh sách (Có / Không / Không áp dụng, mức xếp loại, chiều chỉ tiêu).",
    "4. Cột 'Minh chứng': số, ngày của văn bản chứng minh;"
    " cột 'Điểm tự chấm': số điểm đơn vị tự chấm; cột 'Ghi chú': giải trình (không bắt buộc).",
    "5. Tiêu chí được phép không áp dụng: ghi lý do vào cột 'Không áp dụng: lý do' và để trống các ô khác.",
    "6. Xong, kiểm tra bằng lệnh: emulate validate submissions/NĂM/ĐƠN-VỊ.xlsx",
)
_INPUT_FILL = "FFF2CC"
#: the most a form may unpack to: a form is some kilobytes, a zip bomb gigabytes
MAX_UNPACKED = 64 * 2**20
#: the longest list Excel takes written in a data validation; a longer one is put on the hidden sheet
MAX_INLINE_LIST = 255
_LIST_COLUMN = 8
#: the hidden sheet: the form's identity in rows 1-6, the map of its cells from MAP_ROW (a header) on
MAP_ROW = 8


@dataclass(frozen=True)
class _Input:
    """An input cell as laid out: where it stands and what it fills (a path from the submission's top)."""

    row: int
    column: int
    path: PathKey
    cell: FormCell


def form_workbook(ruleset: Ruleset, department: Department, sha256: str = "") -> bytes:
    """The form for one unit as the bytes of an .xlsx workbook (`sha256`: of the ruleset's file).

    The form is Vietnamese in every language (SPEC 8): the rules in words too.
    """
    from .i18n import speaking

    with speaking("vi"):
        return _form_workbook(ruleset, department, sha256)


def _form_workbook(ruleset: Ruleset, department: Department, sha256: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter

    from .render.xlsx import save_workbook

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    year = ruleset.year
    sheet.cell(1, 1, f"PHIẾU TỰ CHẤM ĐIỂM THI ĐUA NĂM {year}").font = Font(bold=True, size=14)
    sheet.cell(2, 1, "Khối thi đua")
    sheet.cell(2, 2, f"{ruleset.title} ({ruleset.ruleset})")
    sheet.cell(YEAR_CELL[0], 1, "Năm")
    sheet.cell(*YEAR_CELL, year)
    sheet.cell(VERSION_CELL[0], 1, "Phiên bản")
    sheet.cell(*VERSION_CELL, ruleset.version)
    sheet.cell(UNIT_CELL[0], 1, "Đơn vị")
    sheet.cell(*UNIT_CELL, f"{department.name} ({department.id})")
    row = UNIT_CELL[0] + 2
    for text in INSTRUCTIONS:
        sheet.cell(row, 1, text).font = Font(bold=text == INSTRUCTIONS[0], italic=text != INSTRUCTIONS[0])
        row += 1
    row += 1
    for column, header in enumerate(HEADERS, start=1):
        cell = sheet.cell(row, column, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    header_row = row
    inputs: list[_Input] = []
    anchors: dict[PathKey, tuple[int, int]] = {(): (1, 1), ("department",): UNIT_CELL, ("year",): YEAR_CELL}

    def put_row(number: str, title: str, rule: str, maximum: Decimal | None, bold: bool = False) -> int:
        nonlocal row
        row += 1
        for column, value in enumerate((number, title, rule), start=1):
            sheet.cell(row, column, value).alignment = Alignment(wrap_text=True, vertical="top")
            sheet.cell(row, column).font = Font(bold=bold)
        if maximum is not None:
            sheet.cell(row, 4, maximum).font = Font(bold=bold)
        return row

    for content in ruleset.contents:
        put_row(content.id, content.title, "", content.max_points, bold=True)
        for criterion in content.criteria:
            if not ruleset.applies(criterion, department.id):
                continue  # a value for it would be an error (E409)
            if criterion.by_others:
                continue  # scored by a body, a department or the peers: a value would be an error (E410)
            at: PathKey = ("criteria", criterion.id)
            maximum = criterion.max_points + criterion.max_bonus
            for form_row in criterion.rule.form_rows():
                if form_row.title:
                    this = put_row(criterion.no + form_row.number, form_row.title, form_row.rule, form_row.maximum)
                else:
                    this = put_row(criterion.no, criterion.title, criterion.rule.describe(), maximum, bold=True)
                    anchors[at] = (this, 2)
                    inputs.append(
                        _Input(
                            this,
                            SELF_SCORE_COLUMN,
                            ("self_score", criterion.id),
                            FormCell((), "decimal", minimum=Decimal(0), required=False),
                        )
                    )
                    if criterion.not_applicable == "allowed":
                        reason = FormCell((), "text", required=False)
                        inputs.append(_Input(this, REASON_COLUMN, (*at, "reason"), reason))
                inputs += _row_inputs(this, at, form_row)
    if ruleset.deductions:
        put_row("", "Các khoản trừ điểm (số lần vi phạm, để trống nếu không có)", "", None, bold=True)
        for n, deduction in enumerate(ruleset.deductions, start=1):
            rule = f"{deduction.per:f} điểm mỗi lần" + (f", tối đa {deduction.cap:f}" if deduction.cap else "")
            this = put_row(f"T{n}", deduction.title, rule, None)
            cell = FormCell((), "whole", minimum=Decimal(0), required=False)
            inputs.append(_Input(this, INPUT_COLUMNS["value"], ("deductions", deduction.id), cell))

    hidden = book.create_sheet(HIDDEN)
    fill = PatternFill("solid", fgColor=_INPUT_FILL)
    validations: dict[tuple[Any, ...], Any] = {}
    for given in inputs:
        cell = sheet.cell(given.row, given.column)
        cell.protection = Protection(locked=False)
        cell.fill = fill
        if given.cell.type == "text":
            cell.number_format = "@"
        key, make = _validation(given.cell, hidden)
        if key is None:
            continue
        if key not in validations:
            validation = make()
            sheet.add_data_validation(validation)
            validations[key] = validation
        validations[key].add(cell.coordinate)
    sheet.protection.sheet = True  # no password: protection guards against slips, not people
    sheet.freeze_panes = sheet.cell(header_row + 1, 3)
    for column, width in enumerate((8, 48, 36, 9, 28, 12, 16, 14, 16, 32, 12, 32, 24), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width

    hidden.sheet_state = "hidden"
    for n, (field, value) in enumerate(
        (
            ("form", FORM_MARK),
            ("ruleset", ruleset.ruleset),
            ("year", year),
            ("version", ruleset.version),
            ("sha256", sha256),
            ("department", department.id),
        ),
        start=1,
    ):
        hidden.cell(n, 1, field)
        hidden.cell(n, 2, value)
    rows: list[list[Any]] = [["cell", "path", "type", "choices", "values", "required"]]
    for path, (r, c) in anchors.items():
        rows.append([f"{get_column_letter(c)}{r}", json.dumps(list(path), ensure_ascii=False), "anchor"])
    for given in inputs:
        rows.append(
            [
                f"{get_column_letter(given.column)}{given.row}",
                json.dumps(list(given.path), ensure_ascii=False),
                given.cell.type,
                json.dumps(list(given.cell.choices), ensure_ascii=False),
                json.dumps(list(given.cell.values), ensure_ascii=False),
                "yes" if given.cell.required else "no",
            ]
        )
    # row by row from MAP_ROW: a long list of labels may stand in column H already (not `append`)
    for n, entry in enumerate(rows, start=MAP_ROW):
        for column, written in enumerate(entry, start=1):
            hidden.cell(n, column, written)
    hidden.protection.sheet = True
    return save_workbook(book)


def _row_inputs(row: int, at: PathKey, form_row: FormRow) -> list[_Input]:
    found = [_Input(row, INPUT_COLUMNS[cell.column], (*at, *cell.path), cell) for cell in form_row.cells]
    if form_row.evidence is not None:
        text = FormCell((), "text", required=False)
        found.append(_Input(row, EVIDENCE_COLUMN, (*at, *form_row.evidence), text))
        found.append(_Input(row, NOTE_COLUMN, (*at, *form_row.evidence[:-1], "note"), text))
    return found


def _validation(cell: FormCell, hidden: Any) -> tuple[tuple[Any, ...] | None, Callable[[], Any]]:
    """The data validation of an input cell (one per distinct rule), or None for a text.

    A list longer than Excel takes inline is written down a column of the `hidden` sheet.
    """
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    if cell.type == "choice":
        listed = ",".join(cell.choices)

        def choice() -> Any:
            source = f'"{listed}"'
            if len(source) > MAX_INLINE_LIST:
                column = _LIST_COLUMN
                while hidden.cell(1, column).value is not None:
                    column += 1
                for row, label in enumerate(cell.choices, start=1):
                    hidden.cell(row, column, label)
                letter = get_column_letter(column)
                source = f"'{HIDDEN}'!${letter}$1:${letter}${len(cell.choices)}"
            return DataValidation(
                type="list",
                formula1=source,
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="Giá trị không hợp lệ",
                error="Chọn một giá trị trong danh sách: " + " / ".join(cell.choices),
            )

        return ("list", listed), choice
    if cell.type in ("decimal", "whole"):
        low = cell.minimum if cell.minimum is not None else Decimal(0)
        kind = "whole" if cell.type == "whole" else "decimal"

        def number() -> Any:
            if cell.maximum is not None:
                bounds = {"operator": "between", "formula1": f"{low:f}", "formula2": f"{cell.maximum:f}"}
                said = f"từ {low:f} đến {cell.maximum:f}"
            else:
                bounds = {"operator": "greaterThanOrEqual", "formula1": f"{low:f}"}
                said = f"từ {low:f} trở lên"
            what = "số nguyên" if kind == "whole" else "số"
            return DataValidation(
                type=kind,
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="Giá trị không hợp lệ",
                error=f"Nhập một {what} {said}.",
                **bounds,
            )

        return (kind, low, cell.maximum), number
    return None, lambda: None


# --- reading a form back ---------------------------------------------------------------------------


def read_form(
    path: Path,
    ruleset_for: RulesetFor,
    display: str | None = None,
    criterion_years: Callable[[str], list[int]] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    named: bool = True,
) -> LoadedSubmission:
    """Read a filled form and check it as a submission; every problem at its sheet and cell.

    `named`: the file's name and folder must match its unit and year (not for `emulate import`).
    """
    name = display if display is not None else str(path)
    try:
        raw = read_regular(path, max_bytes)
    except NotReadable as exc:
        return LoadedSubmission(None, [error(name, 1, 1, "E100", exc.reason)])
    except TooLarge:
        message = _("the workbook is larger than {limit} bytes; a form is far smaller (raise it with --max-bytes)")
        return LoadedSubmission(None, [error(name, 1, 1, "E101", message.format(limit=max_bytes))])
    return read_form_bytes(raw, name, ruleset_for, path if named else None, criterion_years)


def read_form_bytes(
    raw: bytes,
    name: str,
    ruleset_for: RulesetFor,
    path: Path | None = None,
    criterion_years: Callable[[str], list[int]] | None = None,
) -> LoadedSubmission:
    book, problem = _open(raw, name)
    if book is None:
        assert problem is not None
        return LoadedSubmission(None, [problem])
    meta, cells, problem = _hidden(book, name)
    if problem is not None:
        return LoadedSubmission(None, [problem])
    sheet = book[SHEET]
    year = meta["year"]
    ruleset = ruleset_for(year)
    if ruleset is not None and ruleset.version != meta["version"]:
        message = _(
            "this workbook was made for version {form} of the {year} rules, but the rules are now version"
            " {rules}: make a new form with `emulate new {year} {department} --format xlsx` and copy the values"
        ).format(form=meta["version"], year=year, rules=ruleset.version, department=meta["department"])
        return LoadedSubmission(None, [_at_cell(error(name, *VERSION_CELL, "E122", message))], year)
    data: dict[str, Any] = {"department": meta["department"], "year": year, "criteria": {}}
    positions: dict[PathKey, Position] = {}
    problems: list[Problem] = []
    wrong_cells: set[str] = set()
    empty_choices: dict[str, tuple[str, ...]] = {}  # a list's cell left empty: its choices
    for coordinate, at, kind, choices, values, required in cells:
        cell = sheet[coordinate]
        positions[at] = Position(cell.row, cell.column)
        if kind == "anchor":
            if at[:1] == ("criteria",) and len(at) == 2:
                data["criteria"].setdefault(at[1], {})
            continue
        value, wrong = _read_cell(cell.value, kind, choices, values, str(cell.number_format or ""))
        if wrong is not None:
            problems.append(_at_cell(error(name, cell.row, cell.column, *wrong)))
            wrong_cells.add(coordinate)
        if value is None and kind == "choice":
            empty_choices[coordinate] = choices
        if value is None and not required:
            continue
        _put(data, at, value)
    for criterion_id, value in data["criteria"].items():
        if isinstance(value, dict) and value.get("reason") is not None:
            # declared not applicable: the values filled in too are reported as unknown keys
            data["criteria"][criterion_id] = {"not_applicable": True} | {
                k: v for k, v in value.items() if not _blank(v)
            }
            reason_at = positions[("criteria", criterion_id, "reason")]
            positions[("criteria", criterion_id, "not_applicable")] = reason_at
    document = Document(name, data, positions, dict(positions), sha256_of(raw))
    result = parse_submission(document, ruleset_for, path, criterion_years)
    placed = [_at_cell(p) if p.file == name and p.sheet is None else p for p in result.problems]
    placed = [p for p in placed if p.cell not in wrong_cells]  # said once, by the cell's own problem
    # an empty cell with a list: the validator's "write true or false" is YAML's words, not the form's
    placed = [
        replace(
            p,
            message=_("the cell is empty: choose {choices} from its list").format(
                choices=" / ".join(empty_choices[p.cell])
            ),
        )
        if p.cell in empty_choices
        else p
        for p in placed
    ]
    if problems:
        return LoadedSubmission(None, problems + placed, result.year)
    return replace(result, problems=placed)


def _at_cell(problem: Problem) -> Problem:
    """A problem placed by (row, column) of the sheet `Tự chấm`, at its sheet and cell."""
    from openpyxl.utils import get_column_letter

    return replace(problem, sheet=SHEET, cell=f"{get_column_letter(problem.column)}{problem.line}")


def _open(raw: bytes, name: str) -> tuple[Any, Problem | None]:
    from openpyxl import load_workbook

    def not_a_form(why: str) -> tuple[Any, Problem]:
        message = _("{why}: this is not a form made by `emulate new YEAR DEPT --format xlsx`; make one with it").format(
            why=why
        )
        return None, replace(error(name, 1, 1, "E120", message), sheet=HIDDEN, cell="A1")

    if not zipfile.is_zipfile(io.BytesIO(raw)):
        return not_a_form(_("the file is not an Excel workbook (.xlsx)"))
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
        if unpacked > MAX_UNPACKED:
            return not_a_form(_("the workbook unpacks to more than {limit} MB").format(limit=MAX_UNPACKED // 2**20))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes on Excel features it drops: nothing for the user
            book = load_workbook(io.BytesIO(raw), data_only=False)
    except Exception:  # openpyxl raises anything on a damaged file: each is "not a workbook"
        return not_a_form(_("the workbook is damaged and cannot be opened"))
    if HIDDEN not in book.sheetnames or SHEET not in book.sheetnames:
        return not_a_form(_("the workbook has no sheets '{sheet}' and '{hidden}'").format(sheet=SHEET, hidden=HIDDEN))
    return book, None


Cells = list[tuple[str, PathKey, str, tuple[str, ...], tuple[Any, ...], bool]]
_COORDINATE = re.compile(r"[A-Z]{1,3}[1-9][0-9]{0,6}\Z")


def _hidden(book: Any, name: str) -> tuple[dict[str, Any], Cells, Problem | None]:
    """What the hidden sheet says: the form's ruleset, year, version and unit, and the map of its cells."""
    sheet = book[HIDDEN]
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows(max_col=6)]
    meta: dict[str, Any] = {}
    for row in rows[:6]:
        if row and isinstance(row[0], str):
            meta[row[0]] = row[1]

    def damaged() -> tuple[dict[str, Any], Cells, Problem]:
        message = _("the hidden sheet '{hidden}' was changed and cannot be read: make a new form with `emulate new`")
        return meta, [], replace(error(name, 1, 1, "E120", message.format(hidden=HIDDEN)), sheet=HIDDEN, cell="A1")

    if meta.get("form") != FORM_MARK or not isinstance(meta.get("year"), int) or isinstance(meta.get("year"), bool):
        return damaged()
    if not isinstance(meta.get("version"), str) or not isinstance(meta.get("department"), str):
        return damaged()
    cells: Cells = []
    try:
        for row in rows[MAP_ROW:]:
            if not row or row[0] is None:
                continue
            coordinate, at, kind = row[0], json.loads(row[1]), row[2]
            if not isinstance(coordinate, str) or not _COORDINATE.match(coordinate) or not isinstance(at, list):
                return damaged()
            if kind not in ("anchor", "text", "decimal", "whole", "choice"):
                return damaged()
            choices = tuple(json.loads(row[3])) if kind != "anchor" else ()
            values = tuple(json.loads(row[4])) if kind != "anchor" else ()
            cells.append((coordinate, tuple(at), kind, choices, values, row[5] == "yes"))
    except (TypeError, ValueError, IndexError):
        return damaged()
    return meta, cells, None


#: at most 15 significant digits: what Excel keeps of a number and shows
_DIGITS = 15
#: a percentage format (`0%`, `0.00%`), not a `%` written as text inside quotes
_PERCENT = re.compile(r'%(?=(?:[^"]*"[^"]*")*[^"]*\Z)')
_PLAIN_NUMBER = re.compile(r"[+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\Z")


def decimal_of(value: float) -> Decimal:
    """A cell's number as the digits Excel shows: 12.5 is Decimal("12.5"), never 12.4999… or 12.50000000001.

    A binary float is read from its shortest repr, then cut to Excel's 15 significant digits
    (a sum like 0.1 + 0.2 stored by another program shows as 0.3).
    """
    exact = Decimal(repr(value))
    if len(exact.as_tuple().digits) > _DIGITS:
        exact = Decimal(f"{value:.{_DIGITS}g}")
    return Decimal(int(exact)) if exact == exact.to_integral_value() else exact


def _read_cell(
    value: Any, kind: str, choices: tuple[str, ...], values: tuple[Any, ...], number_format: str = ""
) -> tuple[Any, tuple[str, str] | None]:
    """The plain value a cell gives (as YAML would), or the problem (code, message) that no value can say.

    A number is read as the cell shows it: in a cell formatted as a percentage, 95 % is 95 (Excel stores 0.95).
    """
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", value).strip()
        if value == "":
            return None, None
        if value.startswith("="):
            return None, (
                "E420",
                _("the cell holds a formula ({formula}): type the value itself").format(formula=value),
            )
        if kind == "choice":
            for label, meant in zip(choices, values, strict=False):
                if value.casefold() == label.casefold():
                    return meant, None
            return value, None  # the validator says what is allowed (the ids are accepted too)
        if kind in ("decimal", "whole") and _PLAIN_NUMBER.match(value):
            return _number_text(value), None  # a number typed into a cell formatted as text
        return value, None
    if isinstance(value, (datetime, date, time, timedelta)):
        return None, (
            "E421",
            _(
                "the cell holds a date or a time ({value}): Excel took the number for one; format the cell as"
                " a number and type it again"
            ).format(value=value),
        )
    if value is None or isinstance(value, bool):
        return value, None
    if kind == "text" and isinstance(value, (int, float)):
        return (str(value) if isinstance(value, int) else f"{decimal_of(value):f}"), None
    if isinstance(value, (int, float)) and _PERCENT.search(number_format):
        hundredfold = (decimal_of(value) if isinstance(value, float) else Decimal(value)) * 100
        return (Decimal(int(hundredfold)) if hundredfold == int(hundredfold) else hundredfold.normalize()), None
    if isinstance(value, float):
        return decimal_of(value), None
    return value, None


def _number_text(text: str) -> Decimal | str:
    try:
        return Decimal(text)
    except InvalidOperation:
        return text


def _blank(value: Any) -> bool:
    """Nothing filled in: no value, or only mappings and lists of none."""
    if isinstance(value, dict):
        return all(_blank(v) for v in value.values())
    if isinstance(value, list):
        return all(_blank(v) for v in value)
    return value is None


def _put(data: dict[str, Any], at: PathKey, value: Any) -> None:
    """Set `value` at `at` inside `data`, making the mappings and lists on the way (an int key is a list index)."""
    node: Any = data
    for key, following in zip(at, (*at[1:], None), strict=True):
        if following is None:
            if isinstance(node, list):
                assert isinstance(key, int)
                while len(node) <= key:
                    node.append({})
            node[key] = value
            return
        empty: Any = [] if isinstance(following, int) else {}
        if isinstance(node, list):
            assert isinstance(key, int)
            while len(node) <= key:
                node.append({})
            node = node[key]
        else:
            node = node.setdefault(key, empty)
