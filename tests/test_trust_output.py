"""Trust on the output side (SPEC 10, issue 17): signals, write errors, --output, escaping.

The signal and write-error tests run the console script in a subprocess: what
they check (exit codes, one line on stderr, no process left) happens between
the operating system and `emulate.entry`, which the in-process runner skips.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
EMULATE = [sys.executable, "-c", "from emulate.entry import main; main()"]


# --- signals (defects 9, 15, 16) -------------------------------------------------------------


@pytest.fixture(scope="module")
def many_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace of 1,500 units: the pool's work (POOL_FROM is 300) lasts seconds, so a signal lands in it."""
    root = tmp_path_factory.mktemp("many")
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "generate.py"), str(root), "--units", "1500"],
        check=True,
        capture_output=True,
    )
    return root


def in_group(pgid: int) -> list[int]:
    """The live processes of a process group (psutil is not a dependency: /proc is read)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("command", ["score", "validate"])
@pytest.mark.parametrize(
    ("signum", "code", "line"), [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")]
)
def test_a_signal_stops_every_worker_and_says_one_line(
    many_files: Path, command: str, signum: int, code: int, line: str
) -> None:
    args = ["score", "2017", "--format", "json"] if command == "score" else ["validate", "--format", "json"]
    process = subprocess.Popen(
        [*EMULATE, *args, "--root", str(many_files)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "EMULATE_LANG": "en"},
        start_new_session=True,  # its own process group: what is left of it can be found, and Ctrl-C sent to it
    )
    try:
        deadline = time.monotonic() + 60
        while len(in_group(process.pid)) < 2 and time.monotonic() < deadline:  # the pool's workers have started
            time.sleep(0.05)
        assert len(in_group(process.pid)) >= 2, "no worker process was started"
        time.sleep(0.2)  # the workers are at work, not starting
        assert process.poll() is None, "the run ended before it could be interrupted"
        if signum == signal.SIGINT:
            os.killpg(process.pid, signum)  # Ctrl-C: the terminal signals the whole group
        else:
            os.kill(process.pid, signum)  # `kill PID`: the main process alone
        started = time.monotonic()
        _, stderr = process.communicate(timeout=10)  # a worker left holding stderr would hang this
        assert time.monotonic() - started < 5
    finally:
        for pid in in_group(process.pid):
            os.kill(pid, signal.SIGKILL)
    assert (process.returncode, stderr) == (code, f"emulate: {line}\n")
    time.sleep(0.2)
    assert in_group(process.pid) == []


def test_an_interrupted_write_leaves_no_file(
    run: Callable[..., Any], workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from emulate.render import score as render_score

    def interrupted(*args: Any) -> Iterator[str]:
        yield "{"
        raise KeyboardInterrupt

    monkeypatch.setattr(render_score, "json_record", interrupted)  # what every way of scoring writes with
    target = workspace / "out" / "record.json"
    target.parent.mkdir()
    result = run("score", "2017", "--format", "json", "--output", str(target), root=workspace)
    assert result.exit_code == 130
    assert list(target.parent.iterdir()) == []  # neither the file nor its temporary


# --- write errors on standard output (defects 10, 15) ----------------------------------------

WRITERS = [
    ("score", "2017"),
    ("score", "2017", "--format", "json"),
    ("score", "2017", "--format", "csv"),
    ("score", "2017", "--format", "markdown"),
    ("score", "2017", "--explain", "so-xay-dung"),
    ("rules", "2017"),
    ("rules", "2017", "--format", "json"),
    ("schema", "2017"),
    ("history",),
    ("history", "--format", "csv"),
    ("history", "--format", "json"),
    ("diff-rules", "2016", "2017"),
    ("diff-rules", "2016", "2017", "--format", "json"),
    ("validate", "--format", "json"),
    ("check-rules", "--format", "json"),
    ("--help",),
    ("score", "--help"),
]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", WRITERS, ids=" ".join)
def test_a_full_disk_is_one_line_and_exit_1(args: tuple[str, ...]) -> None:
    with open("/dev/full", "w") as full:
        result = _run_to(full, args)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == ["emulate: cannot write the output: No space left on device"]


_ENV = {**os.environ, "EMULATE_LANG": "en"}


def _command(args: tuple[str, ...]) -> list[str]:
    return [*EMULATE, *args] if "--help" in args else [*EMULATE, *args, "--root", str(REPO)]


def _run_to(stdout: Any, args: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_command(args), stdout=stdout, stderr=subprocess.PIPE, text=True, env=_ENV, timeout=120)


def test_an_unexpected_read_error_names_its_file_in_one_line() -> None:
    # the last guard: a file that cannot be opened, with no problem code of its own, is no traceback
    patched = (
        "import emulate.workspace as w\n"
        "def refused(*args, **kwargs):\n"
        "    raise PermissionError(13, 'Permission denied', 'submissions/2017')\n"
        "w.Workspace.load_year = refused\n"
        "from emulate.entry import main; main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", patched, "score", "2017", "--root", str(REPO)],
        capture_output=True,
        text=True,
        env=_ENV,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr == "emulate: submissions/2017: Permission denied\n"


@pytest.mark.parametrize("args", WRITERS, ids=" ".join)
def test_a_closed_pipe_ends_quietly_with_exit_1(args: tuple[str, ...]) -> None:
    process = subprocess.Popen(_command(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_ENV)
    assert process.stdout is not None
    process.stdout.close()  # the reader is gone before a byte is written (`| head` that exited)
    _, stderr = process.communicate(timeout=120)
    assert (process.returncode, stderr) == (1, "")


# --- --output (defects 12, 14, 17) ------------------------------------------------------------

OUTPUTS = [
    (("score", "2017"), None),
    (("score", "2017", "--format", "json"), None),
    (("score", "2017", "--format", "csv"), None),
    (("score", "2017", "--format", "markdown"), None),
    (("score", "2017", "--format", "xlsx"), b"PK"),
    (("score", "2017", "--format", "html"), b"<!DOCTYPE html>"),
    (("score", "2017", "--explain", "so-xay-dung"), None),
    (("score", "2017", "--explain", "so-xay-dung", "--format", "json"), None),
    (("history",), None),
    (("history", "--format", "json"), None),
    (("history", "--format", "csv"), None),
    (("history", "--format", "markdown"), None),
    (("history", "--format", "xlsx"), b"PK"),
    (("diff-rules", "2016", "2017"), None),
    (("diff-rules", "2016", "2017", "--format", "json"), None),
    (("diff-rules", "2016", "2017", "--format", "markdown"), None),
    (("diff-rules", "2016", "2017", "--format", "xlsx"), b"PK"),
]


@pytest.mark.parametrize(("args", "magic"), OUTPUTS, ids=[" ".join(a) for a, _ in OUTPUTS])
def test_output_is_honoured_by_every_format(
    run: Callable[..., Any], workspace: Path, args: tuple[str, ...], magic: bytes | None
) -> None:
    target = workspace / "report.out"
    result = run(*args, "--output", str(target), root=workspace)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    data = target.read_bytes()
    if magic is not None:
        assert data.startswith(magic)
    else:  # the file holds what would be printed (a table as it is printed in 80 columns)
        printed = run(*args, root=workspace, env={"COLUMNS": "80"})
        # (the test runner's stdout has its CSV's CRLF made LF)
        assert data.decode("utf-8").replace("\r\n", "\n") == printed.stdout


def test_an_existing_file_is_kept_without_force(run: Callable[..., Any], workspace: Path) -> None:
    target = workspace / "record.json"
    target.write_text("kept", encoding="utf-8")
    result = run("score", "2017", "--format", "json", "--output", str(target), root=workspace)
    assert result.exit_code == 1 and "already exists" in result.stderr
    assert target.read_text(encoding="utf-8") == "kept"
    result = run("score", "2017", "--format", "json", "--output", str(target), "--force", root=workspace)
    assert result.exit_code == 0 and target.read_text(encoding="utf-8").startswith("{")


@pytest.mark.parametrize("kind", ["device", "link", "folder", "fifo"])
def test_what_is_not_a_regular_file_is_never_replaced(run: Callable[..., Any], workspace: Path, kind: str) -> None:
    if kind == "device":
        target = Path("/dev/null")
    else:
        target = workspace / "target"
        if kind == "link":
            (workspace / "elsewhere.txt").write_text("kept", encoding="utf-8")
            target.symlink_to(workspace / "elsewhere.txt")
        elif kind == "folder":
            target.mkdir()
        else:
            os.mkfifo(target)
    before = os.lstat(target)
    result = run("score", "2017", "--format", "csv", "--output", str(target), "--force", root=workspace)
    assert result.exit_code == 1 and "is not a regular file" in result.stderr
    after = os.lstat(target)
    assert (stat.S_IFMT(after.st_mode), after.st_ino) == (stat.S_IFMT(before.st_mode), before.st_ino)
    if kind == "link":
        assert (workspace / "elsewhere.txt").read_text(encoding="utf-8") == "kept"


def test_a_missing_folder_is_not_created(run: Callable[..., Any], workspace: Path) -> None:
    target = workspace / "no-such-folder" / "record.json"
    result = run("score", "2017", "--format", "json", "--output", str(target), root=workspace)
    assert result.exit_code == 2 and "does not exist" in result.stderr
    assert not target.parent.exists()


def test_a_folder_that_cannot_be_written_is_exit_1(run: Callable[..., Any], workspace: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    folder = workspace / "locked"
    folder.mkdir(mode=0o500)
    result = run("score", "2017", "--format", "csv", "--output", str(folder / "x.csv"), root=workspace)
    assert result.exit_code == 1 and "Permission denied" in result.stderr


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_files_get_the_users_umask(run: Callable[..., Any], workspace: Path, umask: int, mode: int) -> None:
    old = os.umask(umask)
    try:
        for args in (("score", "2017", "--format", "xlsx"), ("new", "2017", "so-xay-dung")):
            target = workspace / f"out-{args[0]}"
            result = run(*args, "--output", str(target), root=workspace)
            assert result.exit_code == 0, result.stderr
            assert stat.S_IMODE(target.stat().st_mode) == mode
    finally:
        os.umask(old)


def test_new_still_makes_the_year_folder_of_the_workspace(run: Callable[..., Any], workspace: Path) -> None:
    shutil.rmtree(workspace / "submissions" / "2017")
    result = run("new", "2017", "so-xay-dung", root=workspace)
    assert result.exit_code == 0, result.stderr
    assert (workspace / "submissions" / "2017" / "so-xay-dung.yaml").is_file()


# --- text from input files, escaped for each format (defects 13, 14) ------------------------

HOSTILE_REASON = '=HYPERLINK("http://example.com/x","Xem") | cột giả\n## Tiêu đề giả\n<script>alert(1)</script>'
HOSTILE_NAME = "=cmd|' /C calc'!A0 [bold red]Sở[/]"


@pytest.fixture
def hostile(workspace: Path) -> Path:
    """The shipped workspace with a review reason and a unit's name written to break every format."""
    review = workspace / "reviews" / "2017.yaml"
    text = review.read_text(encoding="utf-8")
    first = "Biên bản kiểm tra chéo ngày 20/12/2017: chỉ hỗ trợ 1 xã, công trình nhà văn hóa chưa hoàn thành"
    quoted = HOSTILE_REASON.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    review.write_text(text.replace(f'"{first}"', f'"{quoted}"'), encoding="utf-8")
    rules = workspace / "rules" / "2017.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("name: Sở Xây dựng,", f'name: "{HOSTILE_NAME}",'), encoding="utf-8")
    return workspace


def test_xlsx_cells_never_hold_a_formula(run: Callable[..., Any], hostile: Path) -> None:
    from openpyxl import load_workbook

    target = hostile / "bao-cao.xlsx"
    assert run("score", "2017", "--format", "xlsx", "--output", str(target), root=hostile).exit_code == 0
    book = load_workbook(target)
    texts = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [c.coordinate for c in texts if c.data_type == "f"]
    assert any(c.value == HOSTILE_REASON for c in texts)  # kept whole, as text
    assert any(c.value == HOSTILE_NAME for c in texts)


def test_markdown_keeps_its_rows_and_holds_no_html(run: Callable[..., Any], hostile: Path) -> None:
    out = run("score", "2017", "--format", "markdown", root=hostile).stdout
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert not any(line.startswith("## Tiêu đề giả") for line in out.splitlines())
    tables = [block.splitlines() for block in out.split("\n\n") if block.startswith("|")]
    for table in tables:  # an unescaped | would add a cell to its row, a newline end it
        assert len({line.count("|") - line.count("\\|") for line in table}) == 1, table
    table = [line for block in tables for line in block]
    adjusted = next(line for line in table if "HYPERLINK" in line)
    assert adjusted.count("\\|") == 2 and "<br>## Tiêu đề giả<br>" in adjusted


def test_html_holds_no_script(run: Callable[..., Any], hostile: Path) -> None:
    target = hostile / "bien-ban.html"
    assert run("score", "2017", "--format", "html", "--output", str(target), root=hostile).exit_code == 0
    page = target.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_csv_cells_that_start_like_a_formula_are_text(run: Callable[..., Any], hostile: Path) -> None:
    import csv
    import io

    rows = list(csv.reader(io.StringIO(run("score", "2017", "--format", "csv", root=hostile).stdout.lstrip("\ufeff"))))
    names = [row[3] for row in rows[1:]]
    assert "'" + HOSTILE_NAME in names and HOSTILE_NAME not in names
    assert all(len(row) == len(rows[0]) for row in rows)  # the reason's newlines stay inside its quoted cell


def test_the_table_reads_no_markup_and_forges_no_line(run: Callable[..., Any], hostile: Path) -> None:
    out = run("score", "2017", root=hostile, env={"COLUMNS": "200"}).stdout
    assert "[bold red]Sở[/]" in out  # printed as written, not read as rich markup
    assert "↵ ## Tiêu đề giả ↵" in out
    assert not any(line.lstrip().startswith("## Tiêu đề giả") for line in out.splitlines())


def test_terminal_text_has_no_control_sequence() -> None:
    from emulate.render import markdown_text, terminal_text

    hostile = "a\x1b]0;pwned\x07b\x9bc\r\nd\te"
    shown = terminal_text(hostile)
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in shown)
    assert shown == "a\ufffd]0;pwned\ufffdb\ufffdc ↵ d e"
    assert markdown_text("a\\|b\n<i>") == "a\\\\\\|b<br>&lt;i&gt;"


def test_the_same_inputs_give_the_same_xlsx_bytes(run: Callable[..., Any], workspace: Path) -> None:
    import zipfile

    first, second = workspace / "a.xlsx", workspace / "b.xlsx"
    assert run("score", "2017", "--format", "xlsx", "--output", str(first), root=workspace).exit_code == 0
    with zipfile.ZipFile(first) as book:
        assert {info.date_time for info in book.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = book.read("docProps/core.xml")
    assert b"dcterms:created" not in core and b"dcterms:modified" not in core  # no time of writing
    assert run("score", "2017", "--format", "xlsx", "--output", str(second), root=workspace).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


# --- the low ones (defects 14, 15, 18) --------------------------------------------------------


def test_minus_zero_is_published_as_zero(run: Callable[..., Any], workspace: Path) -> None:
    path = workspace / "submissions" / "2017" / "so-xay-dung.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "chap-hanh-chu-truong: {points: 12}", "chap-hanh-chu-truong: {points: -0.0}"
        ),
        encoding="utf-8",
    )
    result = run("score", "2017", "--format", "json", root=workspace)
    assert result.exit_code == 0, result.stderr
    assert "-0" not in result.stdout
    unit = next(u for u in json.loads(result.stdout)["ranking"] if u["department"] == "so-xay-dung")
    assert unit["criteria"]["chap-hanh-chu-truong"]["points"] == "0.00"
    explained = run("score", "2017", "--explain", "so-xay-dung", root=workspace).stdout
    assert "-0" not in explained


def test_the_root_may_come_before_the_command(tmp_path: Path) -> None:
    result = subprocess.run(
        [*EMULATE, "--root", str(REPO), "score", "2017", "--format", "csv"],
        cwd=tmp_path,  # no workspace here: only --root can find it
        capture_output=True,
        text=True,
        env=_ENV,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "so-tai-chinh" in result.stdout


@pytest.mark.parametrize("year", ["2017.0", "2_017", "+2017", " 2017", "２０１７"])
@pytest.mark.parametrize("command", ["score", "rules", "schema"])
def test_a_year_is_written_in_digits(run: Callable[..., Any], command: str, year: str) -> None:
    result = run(command, year)
    assert result.exit_code == 2 and "a year is written in digits" in result.stderr


def test_rescore_takes_a_year_in_digits_only(run: Callable[..., Any]) -> None:
    assert run("diff-rules", "2016", "2017", "--rescore", "2_017").exit_code == 2


def test_history_offers_only_the_formats_it_takes(run: Callable[..., Any]) -> None:
    help_text = run("history", "--help", env={"COLUMNS": "200"}).stdout
    assert "html" not in help_text and "xlsx" in help_text
    assert run("history", "--format", "html").exit_code == 2


def test_a_write_the_system_refuses_is_exit_1(run: Callable[..., Any], workspace: Path) -> None:
    # /sys refuses new files even to root (Permission denied): a problem found, not a usage error
    if not Path("/sys/kernel").is_dir():
        pytest.skip("needs /sys")
    result = run("score", "2017", "--format", "csv", "--output", "/sys/kernel/emulate.csv", root=workspace)
    assert result.exit_code == 1 and "cannot write" in result.stderr
