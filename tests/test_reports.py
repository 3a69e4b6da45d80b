"""The xlsx workbook and the printable HTML page (rendered in headless Chromium when available)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest


def test_xlsx_has_ranking_criteria_review_and_a_chart(run: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "ranking.xlsx"
    result = run("score", "2017", "--format", "xlsx", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Ranking", "Criteria", "Review"]
    ranking = book["Ranking"]
    assert ranking["A1"].value == "Khối thi đua số 3" and "version 2017.1" in ranking["A2"].value
    assert ranking["A3"].value.startswith("Basis: the reviewed values")
    assert [c.value for c in ranking[5]][:4] == ["Rank", "Shared", "Unit", "Content 1"]
    assert ranking["C6"].value == "Sở Tài chính" and ranking["A6"].value == 1 and ranking["B6"].value is None
    assert Decimal(str(ranking["I6"].value)) == Decimal("611.55") and ranking["I6"].number_format == "0.00"
    assert ranking["K6"].value == "Cờ thi đua của UBND tỉnh"
    assert ranking.freeze_panes == "D6"
    assert len(ranking._charts) == 1
    chart = ranking._charts[0]
    assert chart.grouping == "stacked" and len(chart.series) == 4  # three contents and the bonus
    criteria = book["Criteria"]
    heads = {c.value: c for c in criteria[1]}
    assert heads["3.2"].comment.text.startswith("Phong trào")
    assert criteria["C2"].value == "Maximum" and criteria["C3"].value == "Sở Tài chính"
    total = [c.value for c in criteria[1]].index("Total")
    assert Decimal(str(criteria[2][total].value)) == Decimal("650.00")
    assert Decimal(str(criteria[3][total].value)) == Decimal("611.55")
    assert criteria.freeze_panes == "D3"
    assert book["Review"]["D2"].value is not None


def test_report_files_are_never_overwritten_without_force(run: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "ranking.xlsx"
    out.write_bytes(b"precious")
    result = run("score", "2017", "--format", "xlsx", "--output", str(out))
    assert result.exit_code == 1 and out.read_bytes() == b"precious"
    assert run("score", "2017", "--format", "xlsx", "--output", str(out), "--force").exit_code == 0
    assert out.read_bytes().startswith(b"PK")
    assert run("score", "2017", "--format", "html").exit_code == 2  # no --output


def test_history_xlsx(run: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "history.xlsx"
    assert run("history", "--format", "xlsx", "--output", str(out)).exit_code == 0
    sheet = openpyxl.load_workbook(out)["History"]
    assert sheet["A1"].value == "Unit" and sheet.max_row == 8


def _html(run: Callable[..., Any], tmp_path: Path) -> Path:
    out = tmp_path / "minutes.html"
    result = run("score", "2017", "--format", "html", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    return out


def test_html_is_self_contained_and_reproducible(run: Callable[..., Any], tmp_path: Path) -> None:
    page = _html(run, tmp_path).read_text(encoding="utf-8")
    assert "<script" not in page and not re.search(r"(src|href)=\"(https?:)?//", page)
    assert "<svg" in page and "@page { size: A4" in page
    assert "Cờ thi đua của UBND tỉnh: Sở Tài chính" in page
    assert "Biên bản kiểm tra chéo" in page  # the review's reason
    assert page.count("<code>") >= 2 * 9  # file and sha256 of ruleset, 7 submissions and review
    (tmp_path / "again").mkdir()
    assert _html(run, tmp_path / "again").read_text(encoding="utf-8") == page


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: .ci/run installs Debian's chromium package")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    profile = tmp_path / "profile"
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True, timeout=120
    )


def test_html_prints_to_a4_pdf_and_nothing_overflows(run: Callable[..., Any], tmp_path: Path) -> None:
    page = _html(run, tmp_path)
    pdf = tmp_path / "minutes.pdf"
    _chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    sizes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert sizes and all(
        abs(float(w) - 595.92) < 2 and abs(float(h) - 842.88) < 2 for w, h in sizes
    )  # float ok: PDF points
    screenshot = tmp_path / "minutes.png"
    _chromium(tmp_path, "--window-size=794,1123", f"--screenshot={screenshot}", page.as_uri())
    assert screenshot.read_bytes().startswith(b"\x89PNG")
    # measure the layout at A4 width (794 CSS px): a copy of the page with a probe script
    probe = tmp_path / "probe.html"
    probe.write_text(
        page.read_text(encoding="utf-8").replace(
            "</body>",
            "<script>document.body.setAttribute('data-overflow',"
            " String(document.documentElement.scrollWidth > window.innerWidth));"
            "document.body.setAttribute('data-text',"
            " document.body.innerText.includes('Sở Tài chính') ? 'ok' : 'missing');</script></body>",
        ),
        encoding="utf-8",
    )
    dom = _chromium(tmp_path, "--window-size=794,1123", "--dump-dom", probe.as_uri()).stdout
    assert 'data-overflow="false"' in dom
    assert 'data-text="ok"' in dom


def _table_rows(lines: list[str], count: int) -> list[list[str]]:
    """The ranking's rows as printed: each unit's first line, then the lines its wrapped name continues on."""
    start = next(i for i, line in enumerate(lines) if line.startswith("1 "))
    rows: list[list[str]] = []
    for line in lines[start:]:
        if re.match(r"\d+=? ", line):
            rows.append([line])
        elif line.startswith("  ") and line.strip() and len(rows) <= count and not re.search(r"\d[.,]\d", line):
            rows[-1].append(line)
        else:
            break
    return rows[:count]


@pytest.mark.parametrize("lang", ["en", "vi"])
@pytest.mark.parametrize("basis", [(), ("--self",)])
def test_score_table_fits_80_columns_without_cutting_a_cell(
    run: Callable[..., Any], lang: str, basis: tuple[str, ...]
) -> None:
    from rich.cells import cell_len

    from emulate import i18n
    from emulate.arithmetic import vietnamese

    env = {"COLUMNS": "80"}
    record = json.loads(run("score", "2017", "--format", "json", *basis).stdout)
    awards = json.loads(run("rules", "2017", "--format", "json").stdout)["awards"]
    result = run("score", "2017", "--lang", lang, *basis, env=env)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    assert "…" not in result.stdout
    i18n.use(lang)
    heads = [i18n._(h) for h in ("Unit", "Bonus", "Ded.", "Total", "Award")]
    review_heads = [i18n._(h) for h in ("Unit", "No", "Criterion", "Self", "Reviewed", "Reason")]
    i18n.use("en")
    if not basis:  # the review's corrections: their column heads on one line too
        assert any(all(head in line for head in review_heads) for line in lines)
    header = next(line for line in lines if line.startswith("# "))
    assert all(head in header for head in heads), header  # every column head whole, on one line
    assert header.rstrip().endswith(heads[-1])
    rows = _table_rows(lines, len(record["ranking"]))
    assert len(rows) == len(record["ranking"])
    for unit, row in zip(record["ranking"], rows, strict=True):
        first = row[0]
        cells = first.split()
        assert cells[0] == str(unit["rank"])
        assert (vietnamese(unit["total"]) if lang == "vi" else unit["total"]) in cells  # SPEC 8: 611,55 in Vietnamese
        if unit["award"]:  # the award id, whole, ends the unit's first line
            assert cells[-1] == unit["award"]
        # the name, wrapped between words only: nothing cut, no word broken
        name_parts = [re.split(r"\s+\d", first[len(cells[0]) + 1 :], maxsplit=1)[0].strip()] + [
            line.strip() for line in row[1:]
        ]
        assert " ".join(name_parts) == unit["name"]
    for award in awards:  # the notes name every award in full
        assert award["title"] in result.stdout


# --- diff-rules --format xlsx ------------------------------------------------------------------

DIFF_CASES = Path(__file__).resolve().parent / "diff_cases"


def _sheet_rows(sheet: Any, first: int = 3) -> list[list[Any]]:
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=first)]


def _assert_changes_sheet_matches(sheet: Any, changes: list[dict[str, Any]]) -> None:
    """One row per change of the JSON, in its order: kind, criterion, and the old and new values."""
    assert [c.value for c in sheet[2]] == [
        "Change",
        "Part",
        "No",
        "Criterion",
        "Criterion title",
        "What changed",
        "Old",
        "New",
    ]
    assert sheet.freeze_panes == "A3"
    rows = _sheet_rows(sheet)
    assert len(rows) == len(changes)
    for row, change in zip(rows, changes, strict=True):
        kind, _part, no, criterion, title, what, old, new = row
        assert kind == change["op"]
        assert criterion == change["criterion"]  # an empty cell reads back as None
        assert (no is not None) == (change["criterion"] is not None)
        assert what == change["path"] or change["path"] in ("", "no") or change["path"].startswith("contents.")
        if (old, new) == (change["old"], change["new"]):
            continue
        # a whole criterion, content, deduction or award added or removed: described in words, as the text shows it
        assert change["op"] in ("added", "removed")
        shown, named = (new, change["new"]) if change["op"] == "added" else (old, change["old"])
        assert shown is not None
        if change["path"] == "":  # a criterion: the JSON names it by number and title, the sheet has both
            assert named == f"{no} {title}"
        else:  # a content, deduction or award: its title, then what it is
            assert shown.startswith(named)


def test_diff_xlsx_has_the_changes_and_the_rescoring_of_the_json(run: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "diff.xlsx"
    result = run("diff-rules", "2016", "2017", "--rescore", "2017", "--format", "xlsx", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    record = json.loads(run("diff-rules", "2016", "2017", "--rescore", "2017", "--format", "json").stdout)
    names = {d["id"]: d["name"] for d in json.loads(run("rules", "2017", "--format", "json").stdout)["departments"]}
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Changes", "Re-scoring"]
    changes = book["Changes"]
    assert changes["A1"].value.startswith("khoi-thi-dua-3: 2016 (version 2016.1) → 2017 (version 2017.1)")
    _assert_changes_sheet_matches(changes, record["changes"])

    moved = book["Re-scoring"]
    assert moved["A1"].value == "Re-scored: the 7 submission(s) of 2017 under both rules"
    assert [c.value for c in moved[2]] == [
        "Unit",
        "2016 total",
        "2017 total",
        "Δ total",
        "2016 rank",
        "2017 rank",
        "Δ rank",
        "Award",
    ]
    assert moved.freeze_panes == "B3"
    impact = record["impact"]
    rows = moved.iter_rows(min_row=3, max_row=2 + len(impact))
    for unit, row in zip(impact, rows, strict=True):
        name, old_total, new_total, change, old_rank, new_rank, moved_by, _award = row
        assert name.value == names[unit["department"]]
        for cell in (old_total, new_total, change, old_rank, new_rank, moved_by):
            assert isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool)
        assert Decimal(str(old_total.value)) == Decimal(unit["old_total"]) and old_total.number_format == "0.00"
        assert Decimal(str(new_total.value)) == Decimal(unit["new_total"]) and new_total.number_format == "0.00"
        assert Decimal(str(change.value)).quantize(Decimal("0.01")) == Decimal(unit["new_total"]) - Decimal(
            unit["old_total"]
        )
        assert change.number_format == "+0.00;-0.00;0.00"
        assert (old_rank.value, new_rank.value) == (unit["old_rank"], unit["new_rank"])
        assert moved_by.value == unit["old_rank"] - unit["new_rank"]  # places gained
    assert moved.cell(row=3, column=8).value == "co-thi-dua"
    notes = [r[0] for r in _sheet_rows(moved, 3 + len(impact)) if r[0]]
    assert any("nong-thon-moi" in note for note in notes)  # why the old rules score 3.2 nothing


@pytest.mark.parametrize("case", sorted(p.name for p in DIFF_CASES.iterdir() if (p / "old.yaml").is_file()))
def test_diff_xlsx_changes_sheet_matches_every_diff_case(run: Callable[..., Any], tmp_path: Path, case: str) -> None:
    out = tmp_path / "diff.xlsx"
    files = (str(DIFF_CASES / case / "old.yaml"), str(DIFF_CASES / case / "new.yaml"))
    assert run("diff-rules", *files, "--format", "xlsx", "--output", str(out)).exit_code == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Changes"]  # no --rescore: the changes only
    expected = json.loads((DIFF_CASES / case / "expected.json").read_text(encoding="utf-8"))
    _assert_changes_sheet_matches(book["Changes"], expected["changes"])


def test_diff_xlsx_needs_output_and_force(run: Callable[..., Any], tmp_path: Path) -> None:
    result = run("diff-rules", "2016", "2017", "--format", "xlsx")
    assert result.exit_code == 2 and "--output" in result.stderr
    out = tmp_path / "diff.xlsx"
    out.write_bytes(b"precious")
    assert run("diff-rules", "2016", "2017", "--format", "xlsx", "--output", str(out)).exit_code == 1
    assert out.read_bytes() == b"precious"
    assert run("diff-rules", "2016", "2017", "--format", "xlsx", "--output", str(out), "--force").exit_code == 0
    assert out.read_bytes().startswith(b"PK")


def test_diff_xlsx_in_vietnamese(run: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "diff.xlsx"
    assert (
        run(
            "diff-rules", "2016", "2017", "--rescore", "2017", "--format", "xlsx", "--output", str(out), "--lang", "vi"
        ).exit_code
        == 0
    )
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Các thay đổi", "Chấm điểm lại"]
    kinds = {row[0] for row in _sheet_rows(book["Các thay đổi"])}
    assert kinds == {"đã thay đổi", "thêm mới", "đánh số lại"}
    assert [c.value for c in book["Chấm điểm lại"][2]][-1] == "Khen thưởng"
    assert book["Chấm điểm lại"]["A3"].value == "Sở Tài chính"  # names and ids do not change with the language


def test_the_criteria_sheet_holds_more_units_than_a_sheet_has_columns() -> None:
    """A unit is a row: more than 16,384 units (the columns of a sheet) still write."""
    import dataclasses
    import io

    from emulate import i18n
    from emulate.engine import RankedUnit, Ranking, score
    from emulate.evaluation import Evaluation
    from emulate.render.xlsx import score_workbook
    from emulate.ruleset import Ruleset
    from emulate.submission import Submission

    ruleset = Ruleset.model_validate(
        {
            "ruleset": "test",
            "year": 2017,
            "version": "1",
            "title": "test",
            "departments": [{"id": "a", "name": "A"}],
            "contents": [
                {
                    "id": "1",
                    "title": "content",
                    "criteria": [
                        {"id": "c", "no": "1.1", "title": "c", "source": "s", "rule": {"kind": "assessed", "max": 10}}
                    ],
                }
            ],
        }
    )
    i18n.use("en")
    card = score(ruleset, Submission("a", 2017, {}, {}))
    count = 16_385
    units = tuple(
        RankedUnit(i, False, dataclasses.replace(card, name=f"Unit {i}"), None, None) for i in range(1, count + 1)
    )
    evaluation = Evaluation(ruleset, Ranking(2017, units, ()), None, ())
    criteria = openpyxl.load_workbook(io.BytesIO(score_workbook(evaluation)), read_only=True)["Criteria"]
    rows = list(criteria.iter_rows(values_only=True))
    assert len(rows) == 2 + count and rows[-1][:3] == (count, None, f"Unit {count}")
