"""The minutes and the scoring sheet in Word, read back with python-docx (Decree 30/2020/NĐ-CP's form)."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.shared import Pt

from emulate.meeting import Meeting
from emulate.render import place_and_date

REPO = Path(__file__).resolve().parent.parent
MEETING = (REPO / "tests" / "corpus" / "meetings" / "valid-full.yaml").read_text(encoding="utf-8")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def minutes(run: Callable[..., Any], workspace: Path, name: str = "minutes.docx", *extra: str) -> Path:
    out = workspace / name
    result = run("score", "2017", "--format", "docx", "--output", str(out), *extra, root=workspace)
    assert result.exit_code == 0, result.stderr
    return out


def with_meeting(workspace: Path) -> Path:
    (workspace / "meetings").mkdir(exist_ok=True)
    (workspace / "meetings" / "2017.yaml").write_text(MEETING, encoding="utf-8")
    return workspace


def all_text(document: Any) -> str:
    """Every paragraph's text, in the body and in table cells, in order."""
    return "\n".join("".join(p.itertext()) for p in document.element.body.iter(f"{W}p"))


def test_the_national_header_and_the_place_and_date(run: Callable[..., Any], workspace: Path) -> None:
    document = docx.Document(str(minutes(run, with_meeting(workspace))))
    left, right = document.tables[0].rows[0].cells
    assert left.paragraphs[0].text == "KHỐI THI ĐUA SỐ 3"  # bloc_name, upper case
    motto = [p for p in right.paragraphs if p.text]
    assert [p.text for p in motto[:2]] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert all(p.alignment == 1 and p.runs[0].bold for p in motto[:2])  # centred, bold
    date = motto[-1]
    assert date.text == "Hà Nội, ngày 28 tháng 12 năm 2017"
    assert date.runs[0].italic and not date.runs[0].bold


@pytest.mark.parametrize(
    ("date", "place", "expected"),
    [
        ("2017-12-28", "Hà Nội", "Hà Nội, ngày 28 tháng 12 năm 2017"),
        ("2018-01-05", "Hà Nội", "Hà Nội, ngày 05 tháng 01 năm 2018"),  # the decree's leading zeros
        ("2018-03-09", None, "……………, ngày 09 tháng 3 năm 2018"),
    ],
)
def test_the_date_line_follows_the_decree(date: str, place: str | None, expected: str) -> None:
    assert place_and_date(Meeting(2017, date, place, None, None, (), ())) == expected


def test_page_fonts_margins_and_page_numbers(run: Callable[..., Any], workspace: Path) -> None:
    document = docx.Document(str(minutes(run, with_meeting(workspace))))
    section = document.sections[0]
    mm = {name: round(getattr(section, name).mm, 1) for name in ("page_width", "page_height")}
    mm.update({name: round(getattr(section, f"{name}_margin").mm, 1) for name in ("top", "bottom", "left", "right")})
    assert (mm["page_width"], mm["page_height"]) == (210, 297)  # A4 (Word keeps twips: 11906 x 16838)
    assert 20 <= mm["top"] <= 25 and 20 <= mm["bottom"] <= 25
    assert 30 <= mm["left"] <= 35 and 15 <= mm["right"] <= 20
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and Pt(13) <= normal.font.size <= Pt(14)
    fonts = normal.element.rPr.rFonts
    assert {fonts.get(f"{W}{slot}") for slot in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
    # body text takes the style's font: no run names another
    assert {r.font.name for p in document.paragraphs for r in p.runs} <= {None, "Times New Roman"}
    # the page number: a PAGE field at the top centre, not on the first page
    assert section.different_first_page_header_footer
    header = section.header.paragraphs[0]
    assert header.alignment == 1
    assert "PAGE" in "".join(t.text for t in header._p.iter(f"{W}instrText"))
    assert [f.get(f"{W}fldCharType") for f in header._p.iter(f"{W}fldChar")] == ["begin", "separate", "end"]
    assert not "".join(p.text for p in section.first_page_header.paragraphs).strip()


def test_attendees_ranking_corrections_ballots_and_signatures(run: Callable[..., Any], workspace: Path) -> None:
    document = docx.Document(str(minutes(run, with_meeting(workspace))))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    attendees = tables[1]
    assert attendees[0] == ["No.", "Unit", "Full name", "Position"]
    assert attendees[1][1:] == ["Sở Tài chính", "Nguyễn Văn An", "Giám đốc"]
    ranking = tables[2]
    assert len(ranking) == 1 + 7 and ranking[1][:2] == ["1", "Sở Tài chính"] and ranking[1][-2] == "611.55"
    corrections = tables[3]
    assert any("Biên bản kiểm tra chéo ngày 20/12/2017" in row[-1] for row in corrections)
    ballots = {row[0]: row[1:] for t in tables[4:6] for row in t[1:]}
    assert ballots["Sở Tài chính"] == ["6/7", "85.7 %", "carried"]
    assert ballots["Sở Nông nghiệp và Phát triển nông thôn"] == ["3/7", "42.9 %", "not carried"]
    secretary, chair = ([p.text for p in c.paragraphs if p.text] for c in document.tables[-2].rows[0].cells)
    assert secretary == ["SECRETARY", "(Ký, ghi rõ họ tên)", "Trần Thị Bình"]
    assert chair == ["CHAIR", "(Ký, ghi rõ họ tên)", "Nguyễn Văn An"]
    annex = tables[-1]
    assert Path(annex[-1][0]).as_posix().endswith("meetings/2017.yaml") and len(annex) == 1 + 1 + 7 + 1 + 1
    assert all(len(row[1]) == 64 for row in annex[1:])


def test_vietnamese_minutes(run: Callable[..., Any], workspace: Path) -> None:
    document = docx.Document(str(minutes(run, with_meeting(workspace), "vi.docx", "--lang", "vi")))
    text = all_text(document)
    for words in ("BIÊN BẢN", "I. THỜI GIAN, ĐỊA ĐIỂM, THÀNH PHẦN", "THƯ KÝ", "CHỦ TRÌ", "đạt", "PHỤ LỤC"):
        assert words in text


def test_without_a_meeting_the_minutes_leave_blanks(run: Callable[..., Any], workspace: Path) -> None:
    document = docx.Document(str(minutes(run, workspace)))
    date = [p.text for p in document.tables[0].rows[0].cells[1].paragraphs if p.text][-1]
    assert date == "……………, ngày …… tháng …… năm ……"
    attendees = [[c.text for c in row.cells] for row in document.tables[1].rows][1:]
    assert [row[1] for row in attendees][:2] == ["Sở Tài chính", "Sở Nông nghiệp và Phát triển nông thôn"]
    assert all(row[2] == row[3] == "" for row in attendees) and len(attendees) == 7
    votes = [[c.text for c in row.cells] for row in document.tables[4].rows][1:]
    assert votes and all(row[1] == "……………" for row in votes)
    text = all_text(document)
    assert "Time: ……………" in text and "the bloc's secret ballot decides" in text


def test_the_same_inputs_give_the_same_bytes(run: Callable[..., Any], workspace: Path) -> None:
    with_meeting(workspace)
    first = minutes(run, workspace, "a.docx").read_bytes()
    assert minutes(run, workspace, "b.docx").read_bytes() == first
    with zipfile.ZipFile(workspace / "a.docx") as package:
        core = package.read("docProps/core.xml").decode()
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    # the meeting's date, not the time of writing
    assert re.findall(r"<dcterms:(\w+) [^>]*>([^<]*)<", core) == [
        ("created", "2017-12-28T00:00:00Z"),
        ("modified", "2017-12-28T00:00:00Z"),
    ]


def test_docx_needs_an_output_and_history_refuses_it(run: Callable[..., Any], workspace: Path) -> None:
    assert run("score", "2017", "--format", "docx", root=workspace).exit_code == 2
    assert run("history", "--format", "docx", root=workspace).exit_code == 2


def test_the_scoring_sheet(run: Callable[..., Any], workspace: Path) -> None:
    out = workspace / "sheet.docx"
    result = run("score", "2017", "--explain", "so-xay-dung", "--format", "docx", "--output", str(out), root=workspace)
    assert result.exit_code == 0, result.stderr
    document = docx.Document(str(out))
    rows = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert rows[0] == ["No", "Criterion", "Value", "Evidence", "Points", "Self-score", "Correction"]
    numbered = {row[0]: row for row in rows[1:] if row[0]}
    assert {"1", "1.1", "1.3", "3.2"} <= set(numbered)
    assert numbered["3.2"][4].startswith("10.00 /")  # the reviewed points
    assert numbered["3.2"][6].startswith("15.00 → 10.00: Biên bản kiểm tra chéo")
    assert any(row[3] for row in rows[1:])  # evidence given in the submission
    assert any(row[5] for row in rows[1:])  # self-scores
    html_out = workspace / "sheet.html"
    result = run("score", "2017", "--explain", "so-xay-dung", "-f", "html", "-o", str(html_out), root=workspace)
    assert result.exit_code == 0, result.stderr
    page = html_out.read_text(encoding="utf-8")
    assert "15.00 → 10.00: Biên bản kiểm tra chéo" in page and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page


def test_html_minutes_have_the_header_signatures_page_numbers_and_an_annex(
    run: Callable[..., Any], workspace: Path
) -> None:
    out = workspace / "minutes.html"
    assert run("score", "2017", "-f", "html", "-o", str(out), root=with_meeting(workspace)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert page.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") < page.index("<h1>")
    assert "Hà Nội, ngày 28 tháng 12 năm 2017" in page
    assert "@top-center { content: counter(page)" in page and "@page :first { @top-center { content: none" in page
    assert page.count("(Ký, ghi rõ họ tên)") == 2 and "Trần Thị Bình" in page
    assert page.index('class="signatures"') < page.index('class="annex"') < page.index("<code>")
    assert "secret ballot decides" not in page and "not carried" in page  # the ballot decided


LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")


@pytest.mark.skipif(LIBREOFFICE is None, reason="LibreOffice is not installed")
def test_libreoffice_renders_the_minutes_to_a4_pdf(run: Callable[..., Any], workspace: Path, tmp_path: Path) -> None:
    source = minutes(run, with_meeting(workspace))
    assert LIBREOFFICE is not None
    subprocess.run(
        [LIBREOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = (tmp_path / "minutes.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert b"/MediaBox" in pdf
