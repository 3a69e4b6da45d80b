"""The xlsx workbook and the printable HTML page (rendered in headless Chromium when available)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import openpyxl
import pytest


def test_xlsx_has_ranking_criteria_review_and_a_chart(run: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "ranking.xlsx"
    result = run("score", "2017", "--format", "xlsx", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Ranking", "Criteria", "Review"]
    ranking = book["Ranking"]
    assert [c.value for c in ranking[1]][:3] == ["Rank", "Unit", "Content 1"]
    assert ranking["B2"].value == "Sở Tài chính" and ranking["A2"].value == 1
    assert Decimal(str(ranking["H2"].value)) == Decimal("611.55") and ranking["H2"].number_format == "0.00"
    assert ranking["J2"].value == "Cờ thi đua của UBND tỉnh"
    assert ranking.freeze_panes == "C2"
    assert len(ranking._charts) == 1
    chart = ranking._charts[0]
    assert chart.grouping == "stacked" and len(chart.series) == 4  # three contents and the bonus
    criteria = book["Criteria"]
    rows = {r[0].value: r for r in criteria.iter_rows(min_row=2)}
    assert rows["3.2"][1].value.startswith("Phong trào")
    assert criteria["D1"].value == "Sở Tài chính"
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
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars"]


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: .ci/run installs Debian's chromium package")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    profile = tmp_path / "profile"
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True, timeout=120)


def test_html_prints_to_a4_pdf_and_nothing_overflows(run: Callable[..., Any], tmp_path: Path) -> None:
    page = _html(run, tmp_path)
    pdf = tmp_path / "minutes.pdf"
    _chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    sizes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert sizes and all(abs(float(w) - 595.92) < 2 and abs(float(h) - 842.88) < 2 for w, h in sizes)  # float ok: PDF points
    screenshot = tmp_path / "minutes.png"
    _chromium(tmp_path, "--window-size=794,1123", f"--screenshot={screenshot}", page.as_uri())
    assert screenshot.read_bytes().startswith(b"\x89PNG")
    # measure the layout at A4 width (794 CSS px): a copy of the page with a probe script
    probe = tmp_path / "probe.html"
    probe.write_text(page.read_text(encoding="utf-8").replace(
        "</body>",
        "<script>document.body.setAttribute('data-overflow', String(document.documentElement.scrollWidth > window.innerWidth));"
        "document.body.setAttribute('data-text', document.body.innerText.includes('Sở Tài chính') ? 'ok' : 'missing');</script></body>"),
        encoding="utf-8")
    dom = _chromium(tmp_path, "--window-size=794,1123", "--dump-dom", probe.as_uri()).stdout
    assert 'data-overflow="false"' in dom
    assert 'data-text="ok"' in dom
