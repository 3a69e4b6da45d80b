"""The Excel self-assessment form (SPEC 8): its structure, reading it back, and `emulate import`."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from emulate.form import HIDDEN, SHEET, decimal_of, read_form_bytes
from emulate.workspace import Workspace
from emulate.yamlio import load_file

REPO = Path(__file__).resolve().parent.parent
SHIPPED = sorted((REPO / "submissions" / "2017").glob("*.yaml"))


def run(*args: str, root: Path) -> subprocess.CompletedProcess[str]:
    """`emulate ARGS --root ROOT`, run in ROOT (so that relative paths are the workspace's)."""
    return subprocess.run(
        [sys.executable, "-m", "emulate", *args, "--root", str(root)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env={"EMULATE_LANG": "en", "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
    )


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    shutil.copytree(REPO / "rules", root / "rules")
    shutil.copytree(REPO / "submissions", root / "submissions")
    return root


def make_form(root: Path, department: str, target: Path) -> Path:
    result = run("new", "2017", department, "--format", "xlsx", "--output", str(target), root=root)
    assert result.returncode == 0, result.stderr
    return target


def cell_map(book: Any) -> list[tuple[str, tuple[Any, ...], str, list[str], list[Any]]]:
    """The hidden sheet's map: (cell, path, type, choices, values) of every input cell."""
    rows = list(book[HIDDEN].iter_rows(min_row=9, values_only=True))
    return [
        (r[0], tuple(json.loads(r[1])), r[2], json.loads(r[3]), json.loads(r[4]))
        for r in rows
        if r[0] is not None and r[2] != "anchor"
    ]


def value_at(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        there = key in data if isinstance(data, dict) else isinstance(key, int) and key < len(data)
        if there:
            data = data[key]
        else:
            return None
    return data


def fill(form: Path, data: dict[str, Any]) -> None:
    """Type the values of a YAML submission into the form, as a person in Excel would (numbers are floats)."""
    book = load_workbook(form)
    sheet = book[SHEET]
    for coordinate, path, kind, choices, values in cell_map(book):
        value = value_at(data, path)
        if value is None:
            continue
        if kind == "choice":
            value = choices[values.index(value)]
        elif isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() else float(value)
        sheet[coordinate] = value
    book.save(form)


def scores(root: Path) -> list[dict[str, Any]]:
    result = run("score", "2017", "--format", "json", root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    ranking = json.loads(result.stdout)["ranking"]
    for unit in ranking:
        unit.pop("submission_sha256")
    return ranking  # type: ignore[no-any-return]


# --- the form's structure --------------------------------------------------------------------------


def test_form_structure(workspace: Path, tmp_path: Path) -> None:
    form = make_form(workspace, "so-tai-chinh", tmp_path / "form.xlsx")
    book = load_workbook(form)
    assert book.sheetnames == [SHEET, HIDDEN]
    sheet, hidden = book[SHEET], book[HIDDEN]
    assert hidden.sheet_state == "hidden"
    meta = {row[0]: row[1] for row in hidden.iter_rows(max_row=6, max_col=2, values_only=True)}
    ruleset_text = (workspace / "rules" / "2017.yaml").read_bytes()
    import hashlib

    assert meta == {
        "form": "emulate-form-1",
        "ruleset": "khoi-thi-dua-3",
        "year": 2017,
        "version": "2017.1",
        "sha256": hashlib.sha256(ruleset_text).hexdigest(),
        "department": "so-tai-chinh",
    }
    # protected without a password; only the input cells are unlocked
    assert sheet.protection.sheet is True
    assert not sheet.protection.password
    inputs = {coordinate for coordinate, *_ in cell_map(book)}
    unlocked = {c.coordinate for row in sheet.iter_rows() for c in row if not c.protection.locked}
    assert unlocked == inputs
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Minh chứng" in texts and "Điểm tự chấm" in texts
    assert any(t.startswith("Hướng dẫn") for t in texts)
    assert "Kết quả thực hiện 5 chỉ tiêu chuyên môn đăng ký" in texts
    assert sum(t.startswith("Chỉ tiêu ") and t[-1].isdigit() for t in texts) == 5  # one row per component
    # data validations: lists for ratings, checklist items and directions; numbers with bounds
    validations = sheet.data_validations.dataValidation
    lists = {v.formula1 for v in validations if v.type == "list"}
    assert '"Xuất sắc,Tốt,Khá,Trung bình,Yếu"' in lists  # the scale's titles, each standing for its id
    assert '"cao hơn là tốt,thấp hơn là tốt"' in lists
    assert any(f.startswith('"Có,Không') for f in lists)
    assert any(v.type == "whole" for v in validations)
    assert any(v.type == "decimal" and v.formula2 == "100" for v in validations)  # percent 0-100
    assert any(v.type == "decimal" and v.operator == "greaterThanOrEqual" and v.formula1 == "0" for v in validations)
    covered = {str(r) for v in validations for r in v.sqref.ranges}
    rating_cell = next(c for c, path, *_ in cell_map(book) if path == ("criteria", "cai-cach-hanh-chinh", "rating"))
    assert rating_cell in covered


def test_form_leaves_out_criteria_that_do_not_apply(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    (root / "rules").mkdir(parents=True)
    shutil.copy(REPO / "tests" / "corpus" / "fixtures" / "rules-2017-applies.yaml", root / "rules" / "2017.yaml")
    shutil.copy(REPO / "rules" / "2016.yaml", root / "rules" / "2016.yaml")
    text = (root / "rules" / "2017.yaml").read_text()
    assert "applies_to" in text or "except" in text
    from emulate.ruleset import load_ruleset

    ruleset = load_ruleset(root / "rules" / "2017.yaml").ruleset
    assert ruleset is not None
    left_out = [
        (c.id, d.id) for _, c in ruleset.criteria() for d in ruleset.departments if not ruleset.applies(c, d.id)
    ]
    assert left_out
    criterion, department = left_out[0]
    (root / "submissions" / "2017").mkdir(parents=True)
    form = make_form(root, department, tmp_path / "form.xlsx")
    paths = {path[:2] for _, path, *_ in cell_map(load_workbook(form))}
    assert ("criteria", criterion) not in paths


def test_new_never_overwrites(workspace: Path) -> None:
    target = workspace / "submissions" / "2017" / "so-tai-chinh.xlsx"
    target.write_bytes(b"keep")
    result = run("new", "2017", "so-tai-chinh", "--format", "xlsx", root=workspace)
    assert result.returncode == 1
    assert target.read_bytes() == b"keep"
    assert "already exists" in result.stderr


# --- reading it back -------------------------------------------------------------------------------


@pytest.mark.parametrize("shipped", SHIPPED, ids=lambda p: p.stem)
def test_round_trip_scores_the_same(workspace: Path, tmp_path: Path, shipped: Path) -> None:
    before = scores(workspace)
    department = shipped.stem
    form = make_form(workspace, department, tmp_path / f"{department}.xlsx")
    document = load_file(shipped).document
    assert document is not None
    fill(form, document.data)
    (workspace / "submissions" / "2017" / shipped.name).unlink()
    shutil.copy(form, workspace / "submissions" / "2017" / f"{department}.xlsx")
    assert run("validate", root=workspace).returncode == 0
    assert scores(workspace) == before


def test_yaml_and_xlsx_for_one_unit_is_an_error(workspace: Path, tmp_path: Path) -> None:
    form = make_form(workspace, "so-xay-dung", tmp_path / "f.xlsx")
    fill(form, load_file(REPO / "submissions" / "2017" / "so-xay-dung.yaml").document.data)  # type: ignore[union-attr]
    shutil.copy(form, workspace / "submissions" / "2017" / "so-xay-dung.xlsx")
    result = run("score", "2017", root=workspace)
    assert result.returncode == 1
    said = result.stdout + result.stderr
    assert "E121" in said and "so-xay-dung.yaml" in said and "so-xay-dung.xlsx" in said


def _filled(workspace: Path, tmp_path: Path, department: str = "so-xay-dung") -> tuple[Path, Path]:
    """The shipped submission as a filled form in place of the YAML; returns (the form, its path in the workspace)."""
    form = make_form(workspace, department, tmp_path / f"{department}.xlsx")
    fill(form, load_file(REPO / "submissions" / "2017" / f"{department}.yaml").document.data)  # type: ignore[union-attr]
    (workspace / "submissions" / "2017" / f"{department}.yaml").unlink()
    placed = workspace / "submissions" / "2017" / f"{department}.xlsx"
    shutil.copy(form, placed)
    return form, placed


def _cell_of(form: Path, path: tuple[Any, ...]) -> str:
    return next(c for c, p, *_ in cell_map(load_workbook(form)) if p == path)


def _set(placed: Path, coordinate: str, value: Any) -> None:
    book = load_workbook(placed)
    book[SHEET][coordinate] = value
    book.save(placed)


def test_a_wrong_cell_is_reported_at_its_cell(workspace: Path, tmp_path: Path) -> None:
    _, placed = _filled(workspace, tmp_path)
    where = _cell_of(placed, ("criteria", "chi-tieu-chuyen-mon", "targets", 1, "actual"))
    _set(placed, where, "12,5")
    name = "submissions/2017/so-xay-dung.xlsx"

    text = run("validate", name, root=workspace)
    assert text.returncode == 1
    assert text.stdout.startswith(f"{name}!{SHEET}!{where}: error E203 ")
    assert "12.5" in text.stdout  # the hint: use a dot

    as_json = json.loads(run("validate", name, "--format", "json", root=workspace).stdout)
    assert as_json == [
        {
            "file": name,
            "line": None,
            "column": None,
            "sheet": SHEET,
            "cell": where,
            "code": "E203",
            "severity": "error",
            "message": as_json[0]["message"],
        }
    ]
    github = run("validate", name, "--format", "github", root=workspace).stdout
    assert github.startswith(f"::error file={name},title=emulate E203::{SHEET}!{where}: ")

    scored = run("score", "2017", root=workspace)
    assert scored.returncode == 1 and f"{name}!{SHEET}!{where}" in scored.stdout + scored.stderr


def test_a_wrong_choice_and_a_value_over_the_maximum(workspace: Path, tmp_path: Path) -> None:
    _, placed = _filled(workspace, tmp_path)
    rating = _cell_of(placed, ("criteria", "cai-cach-hanh-chinh", "rating"))
    percent = _cell_of(placed, ("criteria", "nhiem-vu-ubnd-giao", "percent"))
    _set(placed, rating, "rất tốt")
    _set(placed, percent, 101)
    found = json.loads(run("validate", "--format", "json", root=workspace).stdout)
    assert {(p["cell"], p["code"]) for p in found} == {(rating, "E207"), (percent, "E205")}


def test_a_formula_and_a_date_are_reported_at_their_cells(workspace: Path, tmp_path: Path) -> None:
    import datetime

    _, placed = _filled(workspace, tmp_path)
    percent = _cell_of(placed, ("criteria", "nhiem-vu-ubnd-giao", "percent"))
    actual = _cell_of(placed, ("criteria", "chi-tieu-chuyen-mon", "targets", 0, "actual"))
    _set(placed, percent, "=90+5")
    _set(placed, actual, datetime.datetime(2017, 5, 12))
    found = json.loads(run("validate", "--format", "json", root=workspace).stdout)
    assert {(p["cell"], p["code"]) for p in found} == {(percent, "E420"), (actual, "E421")}


def test_numbers_keep_the_digits_shown(workspace: Path, tmp_path: Path) -> None:
    _, placed = _filled(workspace, tmp_path)
    where = _cell_of(placed, ("criteria", "chi-tieu-chuyen-mon", "targets", 0, "actual"))
    _set(placed, where, 12.5)
    loaded = Workspace(workspace).load_submission_file(placed)
    assert loaded.submission is not None, loaded.problems
    actual = loaded.submission.criteria["chi-tieu-chuyen-mon"].targets[0].actual  # type: ignore[attr-defined]
    assert actual == Decimal("12.5") and str(actual) == "12.5"
    assert decimal_of(0.1 + 0.2) == Decimal("0.3")
    assert str(decimal_of(1620.0)) == "1620"
    assert decimal_of(1e-7) == Decimal("0.0000001")
    assert decimal_of(96.55) == Decimal("96.55")


def test_a_form_for_another_version(workspace: Path, tmp_path: Path) -> None:
    _filled(workspace, tmp_path)
    rules = workspace / "rules" / "2017.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace('version: "2017.1"', 'version: "2017.2"'), "utf-8")
    found = json.loads(run("validate", "--format", "json", root=workspace).stdout)
    assert [p["code"] for p in found] == ["E122"]
    assert "2017.1" in found[0]["message"] and "2017.2" in found[0]["message"]


@pytest.mark.parametrize(
    "raw",
    [b"", b"not a workbook at all", b"PK\x03\x04damaged zip", b"PK\x05\x06" + b"\x00" * 18],
    ids=["empty", "text", "damaged-zip", "empty-zip"],
)
def test_not_a_form_is_a_positioned_error(raw: bytes) -> None:
    loaded = read_form_bytes(raw, "x.xlsx", lambda year: None)
    assert loaded.submission is None
    assert [p.code for p in loaded.problems] == ["E120"]
    assert loaded.problems[0].sheet is not None


def test_a_workbook_without_the_hidden_sheet(workspace: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = SHEET
    buffer = io.BytesIO()
    book.save(buffer)
    (workspace / "submissions" / "2017" / "so-xay-dung.yaml").unlink()
    (workspace / "submissions" / "2017" / "so-xay-dung.xlsx").write_bytes(buffer.getvalue())
    result = run("validate", root=workspace)
    assert result.returncode == 1
    assert "E120" in result.stdout and "Traceback" not in result.stderr


def test_a_changed_hidden_sheet(workspace: Path, tmp_path: Path) -> None:
    _, placed = _filled(workspace, tmp_path)
    book = load_workbook(placed)
    book[HIDDEN]["B10"] = "{not json"
    book.save(placed)
    result = run("validate", root=workspace)
    assert result.returncode == 1 and "E120" in result.stdout and "Traceback" not in result.stderr


# --- import ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("shipped", SHIPPED, ids=lambda p: p.stem)
def test_import_gives_the_same_submission(workspace: Path, tmp_path: Path, shipped: Path) -> None:
    before = scores(workspace)
    department = shipped.stem
    form = make_form(workspace, department, tmp_path / f"{department}.xlsx")
    fill(form, load_file(shipped).document.data)  # type: ignore[union-attr]
    (workspace / "submissions" / "2017" / shipped.name).unlink()
    result = run("import", str(form), root=workspace)
    assert result.returncode == 0, result.stdout + result.stderr
    written = workspace / "submissions" / "2017" / shipped.name
    assert scores(workspace) == before
    ws = Workspace(workspace)
    again, original = ws.load_submission_file(written), Workspace(REPO).load_submission_file(shipped)
    assert again.submission is not None and original.submission is not None
    assert dict(again.submission.criteria) == dict(original.submission.criteria)
    assert again.submission.deductions == original.submission.deductions
    assert again.submission.self_score == original.submission.self_score
    # canonical: importing again to standard output gives the same text
    assert run("import", str(form), "--output", "-", root=workspace).stdout == written.read_text(encoding="utf-8")


def test_import_refuses_to_overwrite(workspace: Path, tmp_path: Path) -> None:
    form = make_form(workspace, "so-xay-dung", tmp_path / "f.xlsx")
    fill(form, load_file(REPO / "submissions" / "2017" / "so-xay-dung.yaml").document.data)  # type: ignore[union-attr]
    existing = workspace / "submissions" / "2017" / "so-xay-dung.yaml"
    kept = existing.read_bytes()
    result = run("import", str(form), root=workspace)
    assert result.returncode == 1
    assert existing.read_bytes() == kept
    assert "already exists" in result.stderr


def test_import_of_a_wrong_form_reports_and_writes_nothing(workspace: Path, tmp_path: Path) -> None:
    form = make_form(workspace, "so-xay-dung", tmp_path / "f.xlsx")
    out = tmp_path / "out.yaml"
    result = run("import", str(form), "--output", str(out), root=workspace)
    assert result.returncode == 1
    assert f"{SHEET}!" in result.stderr and result.stdout == ""
    assert not out.exists()


def test_import_to_standard_output_keeps_warnings_out_of_the_yaml(workspace: Path, tmp_path: Path) -> None:
    form, _ = _filled(workspace, tmp_path)
    _set(form, _cell_of(form, ("criteria", "nhiem-vu-ubnd-giao", "percent")), 0.95)  # W202: a share, not a percent
    result = run("import", str(form), "--output", "-", root=workspace)
    assert result.returncode == 0
    assert "W202" in result.stderr
    assert result.stdout.startswith("department: so-xay-dung\n") and "W202" not in result.stdout
    as_json = run("import", str(form), "--output", "-", "--format", "json", root=workspace)
    (problem,) = json.loads(as_json.stderr)
    assert (problem["code"], problem["sheet"], problem["line"]) == ("W202", SHEET, None)
    assert as_json.stdout == result.stdout


def test_a_criterion_declared_not_applicable(workspace: Path, tmp_path: Path) -> None:
    rules = workspace / "rules" / "2017.yaml"
    text = rules.read_text(encoding="utf-8")
    allowed = text.replace('        no: "3.2"\n', '        no: "3.2"\n        not_applicable: allowed\n')
    rules.write_text(allowed, "utf-8")
    before = scores(workspace)
    _, placed = _filled(workspace, tmp_path)
    reason = _cell_of(placed, ("criteria", "nong-thon-moi", "reason"))
    points = _cell_of(placed, ("criteria", "nong-thon-moi", "points"))
    # the reason with a value left in: that value is reported at its cell
    _set(placed, reason, "Không có xã được giao hỗ trợ")
    found = json.loads(run("validate", "--format", "json", root=workspace).stdout)
    assert [(p["cell"], p["code"]) for p in found] == [(points, "E201")]
    # the reason alone: scored as not applicable
    _set(placed, points, None)
    assert run("validate", root=workspace).returncode == 0
    after = {u["department"]: u for u in scores(workspace)}
    assert after["so-xay-dung"]["criteria"]["nong-thon-moi"]["points"] == "0.00"
    assert after != {u["department"]: u for u in before}
    imported = run("import", str(placed), "--output", "-", root=workspace)
    assert "    not_applicable: true\n" in imported.stdout
    assert '    reason: "Không có xã được giao hỗ trợ"\n' in imported.stdout


def test_a_long_list_of_labels_is_put_on_the_hidden_sheet(workspace: Path, tmp_path: Path) -> None:
    """Excel refuses a list of more than 255 characters written in the validation itself."""
    rules = workspace / "rules" / "2017.yaml"
    labels = [f"muc-xep-loai-so-{n:02d}" for n in range(30, -1, -1)]
    scale = "{" + ", ".join(f"{label}: {n}" for label, n in zip(labels, range(30, -1, -1), strict=True)) + "}"
    text = rules.read_text(encoding="utf-8")
    titled = "\n".join(
        f"            {label}: {{title: {title}, points: {points}}}"
        for label, title, points in (
            ("xuat-sac", "Xuất sắc", 30),
            ("tot", "Tốt", 25),
            ("kha", "Khá", 20),
            ("trung-binh", "Trung bình", 10),
            ("yeu", "Yếu", 0),
        )
    )
    assert "scale:\n" + titled in text
    text = text.replace("scale:\n" + titled, f"scale: {scale}")
    rules.write_text(
        text.replace("bonus: {at_least: tot, points: 5}", "bonus: {at_least: muc-xep-loai-so-25, points: 5}")
    )
    for other in (workspace / "submissions" / "2017").glob("*.yaml"):
        other.unlink()  # their ratings are not on this scale
    form = make_form(workspace, "so-xay-dung", tmp_path / "f.xlsx")
    book = load_workbook(form)
    ranged = [v for v in book[SHEET].data_validations.dataValidation if v.type == "list" and "!" in v.formula1]
    assert [v.formula1 for v in ranged] == [f"'{HIDDEN}'!$H$1:$H${len(labels)}"]
    assert [book[HIDDEN].cell(n, 8).value for n in range(1, len(labels) + 1)] == labels
    # the choice is read back as the label
    data = load_file(REPO / "submissions" / "2017" / "so-xay-dung.yaml").document.data  # type: ignore[union-attr]
    data["criteria"]["cai-cach-hanh-chinh"]["rating"] = "muc-xep-loai-so-27"
    fill(form, data)
    shutil.copy(form, workspace / "submissions" / "2017" / "so-xay-dung.xlsx")
    ranking = {u["department"]: u for u in scores(workspace)}
    assert ranking["so-xay-dung"]["criteria"]["cai-cach-hanh-chinh"]["points"] == "27.00"


def test_a_zip_bomb_is_not_unpacked() -> None:
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (65 * 2**20))
    loaded = read_form_bytes(buffer.getvalue(), "x.xlsx", lambda year: None)
    assert [p.code for p in loaded.problems] == ["E120"]
    assert "unpacks" in loaded.problems[0].message


def test_a_percentage_cell_is_read_as_shown(workspace: Path, tmp_path: Path) -> None:
    """95 % typed into a cell formatted as a percentage is stored 0.95 by Excel: the form reads 95."""
    _, placed = _filled(workspace, tmp_path)
    where = _cell_of(placed, ("criteria", "nhiem-vu-ubnd-giao", "percent"))
    book = load_workbook(placed)
    book[SHEET][where] = 0.965
    book[SHEET][where].number_format = "0.0%"
    book.save(placed)
    loaded = Workspace(workspace).load_submission_file(placed)
    assert loaded.submission is not None and loaded.problems == []
    assert str(loaded.submission.criteria["nhiem-vu-ubnd-giao"].percent) == "96.5"  # type: ignore[attr-defined]


def test_the_form_leaves_out_what_others_score(tmp_path: Path) -> None:
    """SPEC 7.7: a criterion scored by a body or by the peers is not on the unit's form (a value would be E410)."""
    from typer.testing import CliRunner

    from emulate.cli import app

    root = tmp_path / "ws"
    shutil.copytree(Path(__file__).parent.parent / "examples" / "khoi-huyen", root)
    out = tmp_path / "form.xlsx"
    result = CliRunner().invoke(
        app, ["new", "2024", "tp-phu-ly", "--format", "xlsx", "--output", str(out), "--root", str(root)]
    )
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out)["Tự chấm"]
    numbers = {str(row[0]) for row in sheet.iter_rows(values_only=True) if row[0] is not None}
    assert "1.6" in numbers  # the relative criterion is the unit's own value
    assert "1.5" not in numbers and "3.2" not in numbers  # PAR by so-noi-vu, joint activities by the peers


def test_a_rating_is_chosen_by_its_title_and_read_as_its_id(workspace: Path, tmp_path: Path) -> None:
    """SPEC 8: the shipped scale gives titles; the form lists `Tốt`, and the workbook scores as `tot`, no warning."""
    form = make_form(workspace, "so-xay-dung", tmp_path / "f.xlsx")
    book = load_workbook(form)
    lists = [v.formula1 for v in book[SHEET].data_validations.dataValidation if v.type == "list"]
    assert '"Xuất sắc,Tốt,Khá,Trung bình,Yếu"' in lists
    data = load_file(REPO / "submissions" / "2017" / "so-xay-dung.yaml").document.data  # type: ignore[union-attr]
    expected = {u["department"]: u for u in scores(workspace)}
    fill(form, data)
    (workspace / "submissions" / "2017" / "so-xay-dung.yaml").unlink()
    shutil.copy(form, workspace / "submissions" / "2017" / "so-xay-dung.xlsx")
    ranking = {u["department"]: u for u in scores(workspace)}
    assert ranking["so-xay-dung"]["criteria"] == expected["so-xay-dung"]["criteria"]
    checked = run("validate", root=workspace)
    assert checked.returncode == 0 and "W203" not in checked.stdout + checked.stderr


def test_the_form_is_vietnamese_without_lang_vi(workspace: Path, tmp_path: Path) -> None:
    """SPEC 8: the rule in words (Cách chấm) was English unless --lang vi; the form is Vietnamese in every language."""
    form = make_form(workspace, "so-xay-dung", tmp_path / "f.xlsx")
    words = " ".join(str(c) for row in load_workbook(form)[SHEET].iter_rows(values_only=True) for c in row if c)
    assert "chỉ tiêu × 70" in words and "targets × 70" not in words


def test_an_empty_choice_cell_says_to_choose_from_its_list(workspace: Path, tmp_path: Path) -> None:
    """In the workbook a checklist item is chosen from Có / Không, not written `true or false` as in YAML."""
    _, placed = _filled(workspace, tmp_path)
    book = load_workbook(placed)
    where = next(c for c, p, kind, *_ in cell_map(book) if p[-2:-1] == ("items",) and kind == "choice")
    _set(placed, where, None)
    found = json.loads(run("validate", "--format", "json", root=workspace).stdout)
    assert [(p["cell"], p["severity"]) for p in found] == [(where, "error")]
    message = found[0]["message"]
    assert "Có" in message and "Không" in message and "true" not in message, message
