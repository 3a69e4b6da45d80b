"""Trust on the input side (SPEC 10): what the tool reads, what it refuses, and that it says so.

Each test here failed before the fix it guards (issue 17): limits in skipped parts,
special files, links out of the workspace, reviews and folders that cannot be read,
control characters, `.yml` files, positions and the length of quoted input.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import emulate
from emulate.problems import MAX_QUOTED, Problem, error
from emulate.render.problems import as_github, as_text
from emulate.workspace import Workspace
from emulate.yamlio import load_bytes, load_file, load_text

posix_only = pytest.mark.skipif(os.name != "posix", reason="links and FIFOs as POSIX makes them")
DEADLINE = 3.0  # seconds: generous on a loaded machine; unchecked, these inputs take minutes


def codes(problems: list[Problem]) -> set[str]:
    return {p.code for p in problems}


# --- 1. every limit holds in skipped parts --------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda n: b"year: 1\nyear: " + b"[" * n + b"]" * n + b"\n",  # a repeated key's value
        lambda n: b"? " + b"[" * n + b"]" * n + b"\n: 1\n",  # a key that is a list
        lambda n: b"? {a: " + b"{a: " * n + b"}" * n + b"}\n: 1\n",  # a key that is a mapping
    ],
    ids=["duplicate-value", "list-key", "mapping-key"],
)
@pytest.mark.parametrize("size", [100_000, 1_000_000])
def test_deep_nesting_in_a_skipped_part_is_refused_fast(make: Callable[[int], bytes], size: int) -> None:
    raw = make(size // (len(make(2)) - len(make(1))))  # about `size` bytes, under the 1 MiB limit
    assert size * 0.9 < len(raw) < 1024 * 1024
    start = time.perf_counter()
    loaded = load_bytes(raw, "f.yaml")
    assert time.perf_counter() - start < DEADLINE
    assert loaded.document is None and "E110" in codes(loaded.problems)


def test_anchors_tags_and_control_characters_are_refused_in_skipped_parts_too() -> None:
    assert "E108" in codes(load_text("a: 1\na: [&x 1, *x]\n", "f.yaml").problems)
    assert "E109" in codes(load_text("a: 1\na: [!!python/object x]\n", "f.yaml").problems)
    assert "E112" in codes(load_text('a: 1\na: ["\\e[31m"]\n', "f.yaml").problems)


# --- 2. only regular files, through the size limit ------------------------------------


@posix_only
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "x.yaml"
    os.mkfifo(fifo)
    start = time.perf_counter()
    loaded = load_file(fifo)
    assert time.perf_counter() - start < DEADLINE
    assert [(p.code, p.line, p.column) for p in loaded.problems] == [("E100", 1, 1)]
    assert "not a regular file" in loaded.problems[0].message


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_is_refused_not_read_to_its_end() -> None:
    loaded = load_file(Path("/dev/zero"))
    assert codes(loaded.problems) == {"E100"}


def test_the_size_limit_holds_whatever_size_the_file_reports(tmp_path: Path, monkeypatch: Any) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: 1\n" + b"# x\n" * 1000)
    real_stat = os.stat

    def says_empty(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        found = real_stat(path, *args, **kwargs)
        return os.stat_result((*found[:6], 0, *found[7:]))  # st_size = 0, as /proc and FIFOs say

    read: list[int] = []
    real_read = os.read

    def counted(fd: int, n: int) -> bytes:
        chunk = real_read(fd, n)
        read.append(len(chunk))
        return chunk

    monkeypatch.setattr(os, "stat", says_empty)
    monkeypatch.setattr(os, "read", counted)
    loaded = load_file(big, max_bytes=100)
    assert [p.code for p in loaded.problems] == ["E101"]
    assert sum(read) == 101  # never the whole file: /dev/zero has no end


@posix_only
@pytest.mark.parametrize("command", ["validate", "check-rules", "diff-rules"])
def test_a_special_file_named_on_the_command_line_exits_1(
    run: Callable[..., Any], workspace: Path, command: str
) -> None:
    fifo = workspace / "special.yaml"
    os.mkfifo(fifo)
    args = ["diff-rules", "2017", str(fifo)] if command == "diff-rules" else [command, str(fifo)]
    result = run(*args, root=workspace)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "E100" in result.stdout + result.stderr


@posix_only
def test_score_refuses_a_fifo_among_the_submissions(run: Callable[..., Any], workspace: Path) -> None:
    os.mkfifo(workspace / "submissions" / "2017" / "so-moi.yaml")
    start = time.perf_counter()
    result = run("score", "2017", root=workspace)
    assert time.perf_counter() - start < 20
    assert result.exit_code == 1 and "E100" in result.stderr


# --- 3. links out of the workspace; quoted input is short ------------------------------


@posix_only
def test_a_link_out_of_the_workspace_is_refused_and_its_target_never_shown(
    run: Callable[..., Any], workspace: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "credentials"
    secret.write_text("TOKEN=hunter2-do-not-print\n")
    target = workspace / "submissions" / "2017" / "so-xay-dung.yaml"
    target.unlink()
    target.symlink_to(secret)
    for args in (["score", "2017"], ["validate"], ["score", "2017", "--format", "json"]):
        result = run(*args, root=workspace)
        shown = result.stdout + result.stderr
        assert result.exit_code == 1, shown
        assert "E100" in shown and "leads out of the workspace" in shown
        assert "hunter2" not in shown and str(secret) not in shown and "credentials" not in shown


@posix_only
def test_a_link_out_is_refused_by_a_workspace_of_the_current_folder_after_a_chdir(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`Workspace(Path("."))` is the current folder's, whichever it is when a file is read: the root's
    real path is not kept from the first folder (found by the review of issue 18's change)."""
    import shutil

    other = tmp_path / "other"
    shutil.copytree(workspace, other)
    secret = tmp_path / "outside.yaml"
    secret.write_text((workspace / "submissions" / "2017" / "so-xay-dung.yaml").read_text(encoding="utf-8"))
    linked = other / "submissions" / "2017" / "so-xay-dung.yaml"
    linked.unlink()
    linked.symlink_to(secret)
    monkeypatch.chdir(workspace)
    here = Workspace(Path("."))
    assert here.load_submission_file(Path("submissions/2017/so-xay-dung.yaml")).problems == []
    monkeypatch.chdir(other)
    assert codes(here.load_submission_file(Path("submissions/2017/so-xay-dung.yaml")).problems) == {"E100"}


@pytest.mark.parametrize("folder", ["²", "٢٠١٧"])  # digits to str.isdigit, not to int
def test_a_folder_or_ruleset_named_with_other_digits_is_no_year_and_no_traceback(
    run: Callable[..., Any], workspace: Path, folder: str
) -> None:
    odd = workspace / "submissions" / folder
    odd.mkdir()
    (odd / "so-tai-chinh.yaml").write_text("a: [\n", encoding="utf-8")
    result = run("validate", str(odd / "so-tai-chinh.yaml"), root=workspace)
    assert result.exit_code == 1 and "E103" in result.stdout, result.stdout + result.stderr
    (workspace / "rules" / f"{folder}.yaml").write_text("year: 1\n", encoding="utf-8")
    for args in (["check-rules"], ["score", "2017"], ["validate"]):
        result = run(*args, root=workspace)
        assert result.exit_code in (0, 1) and "Traceback" not in result.stdout + result.stderr, args


@posix_only
def test_a_link_inside_the_workspace_is_read(run: Callable[..., Any], workspace: Path) -> None:
    folder = workspace / "submissions" / "2017"
    kept = workspace / "kept.yaml"
    (folder / "so-xay-dung.yaml").rename(kept)
    (folder / "so-xay-dung.yaml").symlink_to(kept)
    assert run("score", "2017", root=workspace).exit_code == 0


def test_a_whole_file_is_never_quoted(tmp_path: Path) -> None:
    text = "x" * 100_000
    problems = load_text(text + "\n", "f.yaml").problems
    assert [p.code for p in problems] == ["E106"]
    assert len(problems[0].message) < 300


def test_a_long_department_id_is_shortened_in_messages(run: Callable[..., Any], workspace: Path) -> None:
    path = workspace / "submissions" / "2017" / "so-xay-dung.yaml"
    long_id = "a" * 100_000
    path.write_text(path.read_text(encoding="utf-8").replace("department: so-xay-dung", f"department: {long_id}"))
    result = run("validate", "--format", "json", root=workspace)
    problems = json.loads(result.stdout)
    assert {p["code"] for p in problems} >= {"E401", "E402"}
    for problem in problems:
        longest_run = max((len(run_) for run_ in problem["message"].split() if set(run_) <= set("a'…")), default=0)
        assert longest_run <= MAX_QUOTED, problem["message"][:200]
        assert len(problem["message"]) < 1000


# --- 4. a review that is there but cannot be read ---------------------------------------


@posix_only
@pytest.mark.parametrize("kind", ["dangling-link", "folder", "yml"])
def test_a_review_that_cannot_be_read_stops_the_score(run: Callable[..., Any], workspace: Path, kind: str) -> None:
    review = workspace / "reviews" / "2017.yaml"
    if kind == "dangling-link":
        review.unlink()
        review.symlink_to(workspace / "reviews" / "gone.yaml")
    elif kind == "folder":
        review.unlink()
        review.mkdir()
    else:
        review.rename(review.with_suffix(".yml"))
    result = run("score", "2017", "--format", "json", root=workspace)
    assert result.exit_code == 1, result.stdout
    assert result.stdout == ""
    assert ("E111" if kind == "yml" else "E100") in result.stderr


@posix_only
@pytest.mark.parametrize("kind", ["dangling-link", "folder", "yml"])
def test_a_meeting_that_cannot_be_read_stops_the_score(run: Callable[..., Any], workspace: Path, kind: str) -> None:
    """As a review: minutes without the ballots the bloc voted would be a quiet wrong record."""
    meeting = workspace / "meetings" / "2017.yaml"
    meeting.parent.mkdir(exist_ok=True)
    if kind == "dangling-link":
        meeting.symlink_to(workspace / "meetings" / "gone.yaml")
    elif kind == "folder":
        meeting.mkdir()
    else:
        meeting.with_suffix(".yml").write_text("date: 2017-12-28\n", encoding="utf-8")
    result = run("score", "2017", "--format", "json", root=workspace)
    assert result.exit_code == 1, result.stdout
    assert result.stdout == ""
    assert ("E111" if kind == "yml" else "E100") in result.stderr


# --- 5. folders that cannot be listed; validate and score agree --------------------------


def _unlistable(monkeypatch: Any, name: str) -> None:
    """`name` cannot be listed, as a folder without read permission (root reads those anyway)."""
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if Path(path).name == name:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unlistable_submissions_folder_is_an_error_not_an_empty_table(workspace: Path, monkeypatch: Any) -> None:
    _unlistable(monkeypatch, "2017")
    data = Workspace(workspace).load_year(2017)
    assert not data.ok
    errors = [p for p in data.problems if p.is_error]
    assert [(p.code, p.line, p.column) for p in errors] == [("E100", 1, 1)]
    assert "folder cannot be read" in errors[0].message


def test_an_unlistable_folder_is_a_problem_for_validate_and_check_rules(workspace: Path, monkeypatch: Any) -> None:
    _unlistable(monkeypatch, "submissions")
    assert codes(emulate.validate(Workspace(workspace))) == {"E100"}
    monkeypatch.undo()
    _unlistable(monkeypatch, "rules")
    assert codes(emulate.check_rules(Workspace(workspace))) == {"E100"}


def test_check_rules_never_says_no_problems_for_a_folder_it_could_not_read(
    run: Callable[..., Any], workspace: Path, monkeypatch: Any
) -> None:
    _unlistable(monkeypatch, "rules")
    result = run("check-rules", root=workspace)
    assert result.exit_code == 1
    assert "no problems" not in result.stderr and "E100" in result.stdout


def test_an_unreadable_rules_folder_is_a_problem_not_a_traceback(
    run: Callable[..., Any], workspace: Path, monkeypatch: Any
) -> None:
    real_stat = os.stat

    def denied(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        if Path(path).parent.name == "rules":
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", denied)
    monkeypatch.setattr(os, "lstat", denied)
    result = run("score", "2017", root=workspace)
    assert result.exit_code == 1
    assert "E100" in result.stderr and "Permission denied" in result.stderr


@posix_only
@pytest.mark.parametrize("kind", ["folder", "dangling-link", "link-loop", "fifo"])
def test_validate_reports_what_score_refuses(run: Callable[..., Any], workspace: Path, kind: str) -> None:
    odd = workspace / "submissions" / "2017" / "x.yaml"
    if kind == "folder":
        odd.mkdir()
    elif kind == "dangling-link":
        odd.symlink_to(workspace / "nowhere.yaml")
    elif kind == "link-loop":
        odd.symlink_to(odd)
    else:
        os.mkfifo(odd)
    validated = run("validate", "--format", "json", root=workspace)
    scored = run("score", "2017", root=workspace)
    assert validated.exit_code == scored.exit_code == 1
    assert [(p["code"], p["line"], p["column"]) for p in json.loads(validated.stdout)] == [("E100", 1, 1)]


# --- 6. control characters; a file name cannot forge a line ------------------------------


@pytest.mark.parametrize(
    "value",
    ['"\\e]0;title\\a"', '"\\0"', '"a\\x7fb"', '"\\x85"', '"\\u009b31m"', '"\\r"', '"tab\\tok but\\vnot"'],
)
def test_control_characters_in_text_are_refused_however_written(value: str) -> None:
    loaded = load_text(f"evidence: {value}\n", "f.yaml")
    assert [(p.code, p.line, p.column) for p in loaded.problems] == [("E112", 1, 11)]


def test_a_line_break_and_a_tab_in_text_are_allowed() -> None:
    loaded = load_text('evidence: "line one\\nline two\\tend"\nnote: |\n  a\n  b\n', "f.yaml")
    assert loaded.problems == [] and loaded.document is not None
    assert loaded.document.data["evidence"] == "line one\nline two\tend"


def test_a_line_break_in_a_file_name_cannot_forge_a_problem_line() -> None:
    forged = "a.yaml\nsubmissions/2017/so-tai-chinh.yaml:1:1: error E999 forged"
    problem = error(forged, 3, 4, "E203", "bad value 'x\ny'\x1b[2J")
    text = as_text([problem])
    assert text.count("\n") == 1 and "\x1b" not in text
    assert text.startswith("a.yaml\\nsubmissions/2017/so-tai-chinh.yaml:1:1: error E999 forged:3:4: error E203")
    github = as_github([problem])
    assert github.count("\n") == 1 and "\x1b" not in github


# --- 7. positions are 1-based everywhere ------------------------------------------------


def test_a_folder_given_as_a_file_is_at_1_1(tmp_path: Path) -> None:
    folder = tmp_path / "x.yaml"
    folder.mkdir()
    assert [(p.code, p.line, p.column) for p in load_file(folder).problems] == [("E100", 1, 1)]


def test_no_problem_is_at_line_or_column_0() -> None:
    assert (error("f", 0, 0, "E100", "m").line, error("f", 0, 0, "E100", "m").column) == (1, 1)


# --- 8. .yml files are refused with a word -----------------------------------------------


@pytest.mark.parametrize("where", ["submissions/2017/so-xay-dung", "rules/2017"])
def test_a_yml_file_is_an_error_for_validate_check_rules_and_score(
    run: Callable[..., Any], workspace: Path, where: str
) -> None:
    path = workspace / f"{where}.yaml"
    path.rename(path.with_suffix(".yml"))
    checked = run("check-rules" if where.startswith("rules") else "validate", "--format", "json", root=workspace)
    scored = run("score", "2017", root=workspace)
    assert checked.exit_code == scored.exit_code == 1
    assert "E111" in checked.stdout and "E111" in scored.stderr
    assert "rename it to 2017.yaml" in scored.stderr or "rename it to so-xay-dung.yaml" in scored.stderr


# --- 9. the frictions an officer meets ----------------------------------------------------


def test_validating_from_outside_a_workspace_says_which_root_was_searched(
    run: Callable[..., Any], tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    submission = Path(__file__).resolve().parent.parent / "submissions" / "2017" / "so-xay-dung.yaml"
    result = run("validate", str(submission), root=elsewhere)
    assert result.exit_code == 1
    assert "E406" in result.stdout and str(elsewhere) in result.stdout and "--root" in result.stdout
    assert "check-rules" not in result.stdout


@pytest.mark.parametrize(("percent", "warned"), [("0.95", True), ("1", True), ("0", False), ("1.5", False)])
def test_a_percent_of_at_most_1_is_a_warning(workspace: Path, percent: str, warned: bool) -> None:
    path = workspace / "submissions" / "2017" / "so-xay-dung.yaml"
    text = path.read_text(encoding="utf-8").replace("{percent: 90}", "{percent: " + percent + "}")
    path.write_text(text, encoding="utf-8")
    problems = Workspace(workspace).load_submission_file(path).problems
    assert [p.code for p in problems] == (["W202"] if warned else [])


LONG = "b" * 100_000
KEY = "b" * 1000  # YAML allows an implicit key of at most 1024 characters


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("department: so-xay-dung", f"department: so-xay-dung\n{KEY}: 1"),  # unknown key
        ("department: so-xay-dung", f"department: so-xay-dung\n{KEY}: 1\n{KEY}: 2"),  # repeated key
        ("  nong-thon-moi:", f"  {KEY}: {{points: 1}}\n  nong-thon-moi:"),  # unknown criterion
        ("deductions: {phe-binh: 0}", f"deductions: {{phe-binh: 0, {KEY}: 1}}"),  # unknown deduction
        ("ke-hoach: true", f"ke-hoach: true, {KEY}: true"),  # unknown checklist item
        ("rating: tot", f"rating: {LONG}"),  # unknown rating
        ("rating: tot", f"rating: &{LONG} tot"),  # an anchor
        ("rating: tot", f"rating: !{LONG} tot"),  # a tag
        ("{percent: 90}", f"{{percent: '{LONG}'}}"),  # not a number
    ],
    ids=["key", "repeated", "criterion", "deduction", "item", "rating", "anchor", "tag", "number"],
)
def test_no_message_quotes_more_than_80_characters_of_input(workspace: Path, old: str, new: str) -> None:
    path = workspace / "submissions" / "2017" / "so-xay-dung.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    problems = Workspace(workspace).load_submission_file(path).problems
    assert problems
    for problem in problems:
        assert "b" * (MAX_QUOTED + 1) not in problem.message, (problem.code, problem.message[:200])


@pytest.mark.parametrize(
    ("line", "warned"),
    [
        ("evidence: Báo cáo #12 ngày 20/12/2018", True),
        ("items:\n  - Báo cáo #12", True),
        ("rating: tot        # one of: xuat-sac, tot, kha", False),  # as `emulate new` leaves it, filled in
        ('evidence: "Báo cáo #12"', False),
        ("count: 3 #3", False),  # a number: what follows is not text that was cut
        ("evidence: Báo cáo#12", False),  # no space before '#': YAML keeps it in the text
    ],
)
def test_a_comment_glued_to_a_word_after_a_plain_text_warns(line: str, warned: bool) -> None:
    problems = load_text(line + "\n", "f.yaml").problems
    assert [p.code for p in problems] == (["W101"] if warned else [])


def test_history_with_an_unlistable_rules_folder_is_an_error_not_an_empty_history(
    run: Callable[..., Any], workspace: Path, monkeypatch: Any
) -> None:
    _unlistable(monkeypatch, "rules")
    result = run("history", "--format", "json", root=workspace)
    assert result.exit_code == 1 and result.stdout == ""
    assert "E100" in result.stderr
