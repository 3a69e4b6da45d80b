"""The fast front (`emulate.front`) and its conservative checks (`emulate.quick`).

The one promise of `quick`: it never passes a file that the full checks would
report a problem for. Held here over the shipped files, the broken-input
corpus, random valid workspaces and random mutations of the shipped files; and
the fast runs must print exactly what the full command line prints.
"""

from __future__ import annotations

import copy
import io
import shutil
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from typer.testing import CliRunner

from emulate import front, i18n
from emulate.cli import app
from emulate.quick import clean_ruleset, clean_submission
from emulate.workspace import Workspace
from emulate.yamlio import DEFAULT_MAX_BYTES, load_file

from test_properties import write_workspace, yaml_scalar, year_data  # noqa: E402  (shared generators)

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "corpus"
CHECKS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])


def quick_ok(path: Path, root: Path) -> bool:
    """Does the fast front pass this file (a ruleset under rules/, else a submission)?"""
    if path.parent.name == "rules":
        return front._check_rules([path], root, DEFAULT_MAX_BYTES) is not None
    return front._validate([path], root, DEFAULT_MAX_BYTES) is not None


def full_problems(path: Path, root: Path) -> list[Any]:
    workspace = Workspace(root)
    if path.parent.name == "rules":
        return workspace.load_ruleset_file(path).problems
    return workspace.load_any_file(path)


def copy_workspace(target: Path) -> Path:
    for folder in ("rules", "submissions", "reviews"):
        shutil.copytree(REPO / folder, target / folder)
    return target


# --- the common case is fast ---------------------------------------------------------------


def test_every_shipped_file_passes_quickly() -> None:
    for path in sorted((REPO / "rules").glob("*.yaml")) + sorted((REPO / "submissions").rglob("*.yaml")):
        assert not full_problems(path, REPO), path
        assert quick_ok(path, REPO), f"{path}: clean, but the fast front leaves it to the full checks"


@CHECKS
@given(year_data())
def test_random_valid_workspaces_pass_quickly(case: tuple[dict[str, Any], list[dict[str, Any]]]) -> None:
    ruleset, submissions = case
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_workspace(root, ruleset, submissions)
        for path in sorted(root.rglob("*.yaml")):
            assert not full_problems(path, root)
            assert quick_ok(path, root), path.read_text(encoding="utf-8")


# --- and never wrong ------------------------------------------------------------------------


def _corpus_cases() -> list[Any]:
    cases = YAML(typ="safe", pure=True).load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
    return [pytest.param(case, id=case["file"]) for case in cases if not case.get("generate")]


@pytest.mark.parametrize("case", _corpus_cases())
def test_no_corpus_file_with_a_problem_passes(case: dict[str, Any], tmp_path: Path) -> None:
    kind = case["file"].split("/")[0]
    root = copy_workspace(tmp_path)
    dest = root / case.get("dest", "submissions/2017/so-xay-dung.yaml" if kind == "submissions" else "rules/2017.yaml")
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes((CORPUS / case["file"]).read_bytes())
    assert quick_ok(dest, root) == (not case["codes"])


# Mutations of the shipped files: each replaces, drops, adds, renames or reorders one thing.
POOL: list[Any] = [
    None, True, False, "", " ", "x", "not_applicable", "higher", "lower", "tot", "xuat-sac", "full", "forbidden",
    "half_up", "fewer_deductions", "content:1", "criterion:ung-dung-cntt", "so-xay-dung", "Sở Xây dựng", "2.4", "1.1",
    0, 1, -1, 2, 5, 7, 10, 20, 100, 101, 2016, 2017, 2018, Decimal("0.5"), Decimal("-0.5"), Decimal("0.005"),
    Decimal("1.005"), Decimal("7.25"), Decimal("100.5"), Decimal("0.90"), Decimal("5.0"), [], {}, [1], {"x": 1},
]


def _paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [at]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*at, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*at, i))
    return found


def _keys(value: Any) -> list[str]:
    if isinstance(value, dict):
        return sorted({*value, *(k for item in value.values() for k in _keys(item))})
    if isinstance(value, list):
        return sorted({k for item in value for k in _keys(item)})
    return []


@st.composite
def mutated(draw: st.DrawFn, original: Any) -> Any:
    data = copy.deepcopy(original)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        at = draw(st.sampled_from(paths[1:]))
        parent = data
        for step in at[:-1]:
            parent = parent[step]
        last = at[-1]
        action = draw(st.sampled_from(["replace", "replace", "replace", "drop", "add", "rename", "duplicate", "swap"]))
        if action == "replace":
            parent[last] = copy.deepcopy(draw(st.sampled_from(POOL)))
        elif action == "drop":
            del parent[last]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from([*_keys(original), "extra"]))] = copy.deepcopy(draw(st.sampled_from(POOL)))
        elif action == "rename" and isinstance(parent, dict):
            new = draw(st.sampled_from([*_keys(original), "extra"]))
            parent[new] = parent.pop(last)
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[last]))
        elif action == "swap" and isinstance(parent, list) and len(parent) > 1:
            other = draw(st.integers(0, len(parent) - 1))
            parent[last], parent[other] = parent[other], parent[last]
    return data


def _shipped(path: str) -> Any:
    return load_file(REPO / path).document.data  # type: ignore[union-attr]


def flow(value: Any) -> str:
    """Any plain data as one line of flow-style YAML (numbers as written, text quoted)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{yaml_scalar(str(key))}: {flow(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(item) for item in value) + "]"
    return yaml_scalar(value)


def _holds_the_promise(tmp_path: Path, relative: str, data: Any) -> None:
    with tempfile.TemporaryDirectory(dir=tmp_path) as folder:
        root = copy_workspace(Path(folder))
        path = root / relative
        path.write_text(flow(data) + "\n", encoding="utf-8")
        if quick_ok(path, root):
            assert full_problems(path, root) == [], path.read_text(encoding="utf-8")


@settings(CHECKS, max_examples=300)
@given(data=mutated(_shipped("rules/2017.yaml")))
def test_a_mutated_ruleset_passes_only_if_it_is_clean(tmp_path: Path, data: Any) -> None:
    _holds_the_promise(tmp_path, "rules/2017.yaml", data)


@settings(CHECKS, max_examples=300)
@given(data=mutated(_shipped("submissions/2017/so-xay-dung.yaml")))
def test_a_mutated_submission_passes_only_if_it_is_clean(tmp_path: Path, data: Any) -> None:
    _holds_the_promise(tmp_path, "submissions/2017/so-xay-dung.yaml", data)


def test_a_submission_is_checked_against_its_own_years_rules() -> None:
    rules = clean_ruleset(_shipped("rules/2016.yaml"), 2016, {2016, 2017})
    assert rules is not None
    assert not clean_submission(_shipped("submissions/2017/so-xay-dung.yaml"), rules)
    assert clean_submission(_shipped("submissions/2016/so-xay-dung.yaml"), rules, Path("submissions/2016/so-xay-dung.yaml"))
    assert not clean_submission(_shipped("submissions/2016/so-xay-dung.yaml"), rules, Path("submissions/2016/so-tai-chinh.yaml"))


# --- the fast runs print what the full command line prints -----------------------------------


def fast(*args: str, lang: str = "en", env: dict[str, str] | None = None) -> tuple[int | None, str, str]:
    i18n.use(lang)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = front.run(list(args), environ=env or {})
    i18n.use("en")
    return code, out.getvalue(), err.getvalue()


COMMAND_LINES = [
    ("validate", "submissions/2017/so-xay-dung.yaml"),
    ("validate", "submissions/2016", "submissions/2017/so-tai-chinh.yaml"),
    ("validate", "submissions"),
    ("check-rules",),
    ("check-rules", "rules/2016.yaml"),
]


@pytest.mark.parametrize("lang", ["en", "vi"])
@pytest.mark.parametrize("fmt", ["text", "json", "github"])
@pytest.mark.parametrize("args", COMMAND_LINES, ids=" ".join)
def test_a_fast_run_prints_what_the_full_one_prints(args: tuple[str, ...], fmt: str, lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code, out, err = fast(*args, "--format", fmt, "--root", ".", "--lang", lang, lang=lang)
    assert code == 0, "the shipped files are clean: the fast front answers"
    i18n.use(lang)
    full = CliRunner().invoke(app, [*args, "--format", fmt, "--root", ".", "--lang", lang], catch_exceptions=False)
    i18n.use("en")
    assert (code, out, err) == (full.exit_code, full.stdout, full.stderr)


@pytest.mark.parametrize("args", [
    ("validate",),  # reviews/ is checked by the full command line only
    ("validate", "reviews/2017.yaml"),
    ("validate", "submissions/2017/so-xay-dung.yaml", "--help"),
    ("validate", "no-such-file.yaml"),
    ("validate", "submissions/2017/so-xay-dung.yaml", "--format", "xml"),
    ("validate", "submissions/2017/so-xay-dung.yaml", "--format"),
    ("validate", "submissions/2017/so-xay-dung.yaml", "--max-bytes", "100"),
    ("validate", "submissions/2017/so-xay-dung.yaml", "--max-bytes", "0"),
    ("validate", "submissions/2017/so-xay-dung.yaml", "--unknown"),
    ("validate", "submissions/2017/so-xay-dung.yaml", "--lang", "fr"),
    ("check-rules", "--root", "no-such-folder"),
    ("score", "2017"),
    ("--version",),
    ("--lang", "vi"),  # typer: a command is missing
    ("validate", "submissions/2017/so-xay-dung.yaml", "--max-bytes", "²"),  # a digit to str.isdigit, not to int()
    ("check-rules", "--root", "--lang", "vi", "."),  # --root's value is "--lang": typer says it does not exist
    ("validate", "a" * 5000),  # a name too long for the system
], ids=lambda arg: " ".join(arg)[:60])
def test_anything_else_is_left_to_the_full_command_line(args: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    assert fast(*args)[0] is None


def test_a_size_limit_from_the_environment_that_is_no_number_is_left_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    assert fast("validate", env={"EMULATE_MAX_BYTES": "²"})[0] is None


@pytest.mark.parametrize("args", [
    ("validate", "--format=json", "submissions/2017"),
    ("validate", "-f", "github", "-f", "json", "submissions/2017/so-xay-dung.yaml"),
    ("check-rules", "--max-bytes=100000"),
    ("validate", "submissions/2016", "--lang", "vi", "--lang", "en"),
    ("--lang", "en", "check-rules", "--lang", "vi"),
], ids=" ".join)
def test_option_forms_and_the_environment_as_typer_reads_them(args: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """EMULATE_ROOT names the workspace (the run is elsewhere); options in every form typer takes; the last --lang wins."""
    monkeypatch.chdir(REPO)
    env = {"EMULATE_ROOT": str(REPO), "EMULATE_MAX_BYTES": "200000"}
    lang = i18n.from_argv(args) or "en"
    code, out, err = fast(*args, lang=lang, env=env)
    assert code == 0
    i18n.use(lang)
    full = CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
    i18n.use("en")
    assert (code, out, err) == (full.exit_code, full.stdout, full.stderr)


def test_shell_completion_is_left_to_the_full_command_line() -> None:
    i18n.use("en")
    assert front.run([], environ={"_EMULATE_COMPLETE": "complete_bash"}) is None


def test_a_file_with_a_problem_is_left_to_the_full_command_line(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workspace)
    path = workspace / "submissions" / "2017" / "so-xay-dung.yaml"
    assert fast("validate", str(path))[0] == 0
    path.write_text(path.read_text(encoding="utf-8").replace("rating: tot", "rating: good"), encoding="utf-8")
    assert fast("validate", str(path))[0] is None
    assert fast("validate", "submissions/2017")[0] is None


# --- the top-level help ---------------------------------------------------------------------


@pytest.mark.parametrize("width", [80, 100, 120])
def test_the_help_is_typers_help(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    code, out, _err = fast("--help")
    assert code == 0
    full = CliRunner().invoke(app, ["--help"], env={"COLUMNS": str(width)}, terminal_width=width)
    assert out == full.stdout
    bare = CliRunner().invoke(app, [], env={"COLUMNS": str(width)}, terminal_width=width)
    assert fast()[:2] == (bare.exit_code, bare.stdout) == (2, out[:-1]), "no arguments at all: the help, as a usage error"


def test_a_narrow_help_page_is_left_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "50")  # typer narrows the option column there; textwrap would cut words
    assert fast("--help")[0] is None


def test_the_vietnamese_help_is_all_vietnamese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    _code, out, _err = fast("--lang", "vi", "-h", lang="vi")
    for english in ("Usage", "Install completion", "Show completion", "Show this message", "Options", "Commands", "Check ruleset"):
        assert english not in out
    for vietnamese in ("Cách dùng:", "Tùy chọn", "Lệnh", "check-rules", "diff-rules"):
        assert vietnamese in out


def test_the_help_is_coloured_like_typers_on_a_terminal() -> None:
    import re

    i18n.use("en")
    plain, coloured = io.StringIO(), io.StringIO()
    front.print_help(plain, width=90, color=False)
    front.print_help(coloured, width=90, color=True)
    assert "\033[1;36m--lang" in coloured.getvalue() and "\033[1;32m-h" in coloured.getvalue()
    assert re.sub("\033\\[[0-9;]*m", "", coloured.getvalue()) == plain.getvalue()
    assert all(len(line) <= 90 for line in plain.getvalue().splitlines())
