"""Acceptance tests: the real CLI on the shipped workspace and on edited copies."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import emulate
from emulate.cli import app

REPO = Path(__file__).resolve().parent.parent
COMMANDS = sorted(c.name for c in app.registered_commands if c.name)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(run: Callable[..., Any], command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Usage" in result.stdout and "--root" in result.stdout
    assert next(c for c in app.registered_commands if c.name == command).help


def test_python_dash_m_runs_without_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "emulate", "score", "2017", "--root", str(REPO)],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert result.returncode == 0, result.stderr
    assert "Sở Tài chính" in result.stdout


def test_score_table_shows_ranking_awards_and_claims(run: Callable[..., Any]) -> None:
    result = run("score", "2017")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Giao ước thi đua Khối thi đua số 3 năm 2017" in out
    assert "co-thi-dua" in out and "bang-khen" in out
    assert "Self-declared points that differ" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_score_json_has_the_spec_shape(run: Callable[..., Any]) -> None:
    record = json.loads(run("score", "2017", "--format", "json").stdout)
    # SPEC 4's keys in their order, then SPEC 10's record of the review and the tool's version
    assert list(record) == [
        "year",
        "ruleset",
        "max_points",
        "max_bonus",
        "ranking",
        "missing",
        "basis",
        "reviewed_by",
        "date",
        "review",
        "emulate_version",
    ]
    assert record["emulate_version"] == emulate.__version__
    assert (record["reviewed_by"], record["date"]) == (record["review"]["reviewed_by"], record["review"]["date"])
    assert record["reviewed_by"] == "so-tai-chinh" and record["date"] == "2017-12-28"
    self_declared = json.loads(run("score", "2017", "--format", "json", "--self").stdout)
    assert self_declared["reviewed_by"] is None and self_declared["date"] is None
    assert record["year"] == 2017 and record["max_points"] == "650.00" and record["max_bonus"] == "40.00"
    assert set(record["ruleset"]) == {"id", "version", "sha256"} and len(record["ruleset"]["sha256"]) == 64
    assert record["missing"] == []
    first = record["ranking"][0]
    assert set(first) == {
        "rank",
        "tied",
        "department",
        "name",
        "total",
        "base",
        "bonus",
        "deductions",
        "contents",
        "criteria",
        "award",
        "awards",
        "class",
        "group",
        "own_max",
        "share",
        "submission_sha256",
    }
    # SPEC 7.8: the shipped year has no classes or groups; every base criterion applies to every unit
    assert (first["class"], first["group"], first["own_max"]) == (None, None, "650.00")
    assert Decimal(first["share"]) == (Decimal(first["total"]) / 650).quantize(Decimal("0.01"))
    assert {c["counts_as"] for c in first["criteria"].values()} == {"base"}
    assert not any(c["not_applicable"] for c in first["criteria"].values())
    for row in record["ranking"]:
        total = Decimal(row["base"]) + Decimal(row["bonus"]) - Decimal(row["deductions"])
        assert Decimal(row["total"]) == max(Decimal(0), total)
        assert sum(Decimal(v) for v in row["contents"].values()) == Decimal(row["base"])
        assert sum(Decimal(c["points"]) for c in row["criteria"].values()) == Decimal(row["base"])
        assert sum(Decimal(c["bonus"]) for c in row["criteria"].values()) == Decimal(row["bonus"])
    assert [row["rank"] for row in record["ranking"]] == [1, 2, 3, 4, 5, 6, 7]
    awards = {row["department"]: row["award"] for row in record["ranking"]}
    assert awards["so-xay-dung"] == "bang-khen"  # first, but one disciplined official
    assert awards["so-tai-chinh"] == "co-thi-dua"


def test_score_json_is_byte_identical_across_runs(run: Callable[..., Any]) -> None:
    assert run("score", "2017", "--format", "json").stdout == run("score", "2017", "--format", "json").stdout


def test_score_csv_has_a_bom_and_one_row_per_unit(run: Callable[..., Any]) -> None:
    out = run("score", "2017", "--format", "csv").stdout
    assert out.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    assert len(rows) == 7 and rows[0]["name"] == "Sở Tài chính"
    by_unit = {row["department"]: row for row in rows}
    assert by_unit["so-xay-dung"]["self_score_differences"].startswith("1.1: claimed 350.00")
    assert by_unit["so-xay-dung"]["review_adjustments"].startswith("3.2: self-declared 15.00, reviewed 10.00 (Biên bản")


def test_score_markdown_is_a_table(run: Callable[..., Any]) -> None:
    out = run("score", "2016", "--format", "markdown").stdout
    assert "| 1 | Sở Tài chính |" in out
    assert out.count("\n| ") >= 8


def test_explain_numbers_add_up_to_the_total(run: Callable[..., Any]) -> None:
    record = json.loads(run("score", "2017", "--format", "json").stdout)
    row = next(r for r in record["ranking"] if r["department"] == "so-xay-dung")
    explained = json.loads(run("score", "2017", "--explain", "so-xay-dung", "--format", "json").stdout)
    assert explained["total"] == row["total"] and explained["rank"] == row["rank"]
    points = sum(Decimal(c["points"]) for content in explained["contents"] for c in content["criteria"])
    bonus = sum(Decimal(c["bonus"]) for content in explained["contents"] for c in content["criteria"])
    deducted = sum(Decimal(d["points"]) for d in explained["deduction_items"])
    assert points + bonus - deducted == Decimal(row["total"])
    flag = next(a for a in explained["awards"] if a["id"] == "co-thi-dua")
    assert not flag["proposed"] and "ky-luat-can-bo count is 1" in flag["reason"]


def test_explain_tree_cites_formulas_and_sources(run: Callable[..., Any]) -> None:
    out = run("score", "2017", "--explain", "so-tai-chinh").stdout.replace("\n", " ")
    assert "component 1" in out and "× min(" in out
    assert "Báo cáo Hội nghị" in out
    assert "Total" in out and "Awards" in out


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("rules", "2099"), 2),
        (("score", "2099"), 2),
        (("score", "2017", "--explain", "so-khong-co"), 2),
        (("new", "2017", "so-khong-co"), 2),
        (("validate", "no/such/file.yaml"), 2),
        (("check-rules", "no/such/file.yaml"), 2),
        (("score", "2017", "--format", "pdf"), 2),
    ],
)
def test_usage_errors_exit_2_with_a_message(run: Callable[..., Any], args: tuple[str, ...], code: int) -> None:
    result = run(*args)
    assert result.exit_code == code
    assert "Traceback" not in result.stderr + result.stdout


def test_unknown_year_lists_the_known_ones(run: Callable[..., Any]) -> None:
    assert "2016, 2017" in run("score", "2099").stderr


def test_root_from_the_environment(run: Callable[..., Any], tmp_path: Path) -> None:
    result = _run_process("rules", "2017", env={"EMULATE_ROOT": str(REPO)}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def _run_process(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "emulate", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env={**os.environ, **env},
    )


def test_validate_and_check_rules_pass_on_the_shipped_workspace(run: Callable[..., Any]) -> None:
    assert run("validate").exit_code == 0
    assert run("check-rules").exit_code == 0
    assert json.loads(run("validate", "--format", "json").stdout) == []


def test_an_invalid_submission_stops_score_with_exit_1(run: Callable[..., Any], workspace: Path) -> None:
    path = workspace / "submissions" / "2017" / "so-xay-dung.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("rating: tot", "rating: tott", 1), encoding="utf-8")
    result = run("score", "2017", root=workspace)
    assert result.exit_code == 1
    assert "so-xay-dung.yaml:" in result.stderr and "E207" in result.stderr and "did you mean 'tot'" in result.stderr


def test_a_missing_submission_is_listed_not_ranked(run: Callable[..., Any], workspace: Path) -> None:
    (workspace / "submissions" / "2017" / "so-cong-thuong.yaml").unlink()
    record = json.loads(run("score", "2017", "--format", "json", root=workspace).stdout)
    assert record["missing"] == ["so-cong-thuong"]
    assert len(record["ranking"]) == 6


def test_github_format_escapes_and_annotates(run: Callable[..., Any], workspace: Path) -> None:
    path = workspace / "submissions" / "2017" / "so-xay-dung.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("rating: tot", "rating: tott", 1), encoding="utf-8")
    out = run("validate", "--format", "github", root=workspace).stdout
    line = out.splitlines()[0]
    assert line.startswith("::error file=")
    assert ",title=emulate E207::" in line


def test_new_writes_a_template_that_validates_to_only_the_values_to_fill(
    run: Callable[..., Any], workspace: Path
) -> None:
    target = workspace / "submissions" / "2017" / "so-xay-dung.yaml"
    target.unlink()
    assert run("new", "2017", "so-xay-dung", root=workspace).exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert '# 3.2 Phong trào "Chung sức xây dựng nông thôn mới"' in text
    result = run("validate", str(target), "--format", "json", root=workspace)
    problems = json.loads(result.stdout)
    assert result.exit_code == 1
    assert problems and all("no value" in p["message"] for p in problems)
    assert {p["code"] for p in problems} <= {"E203", "E204"}


def test_new_never_overwrites(run: Callable[..., Any], workspace: Path) -> None:
    target = workspace / "submissions" / "2017" / "so-xay-dung.yaml"
    before = target.read_bytes()
    result = run("new", "2017", "so-xay-dung", root=workspace)
    assert result.exit_code == 1 and "already exists" in result.stderr
    assert target.read_bytes() == before
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")]


def test_new_filled_in_validates(run: Callable[..., Any], workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "2016" / "so-tai-chinh.yaml"
    out.parent.mkdir()  # SPEC 10: --output makes no folder
    assert run("new", "2016", "so-tai-chinh", "--output", str(out), root=workspace).exit_code == 0
    filled = []
    for line in out.read_text(encoding="utf-8").splitlines():
        key = line.split("#")[0].rstrip()
        fill = {
            "- name:": "- name: Chỉ tiêu",
            "unit:": "unit: '%'",
            "target:": "target: 100",
            "actual:": "actual: 90",
            "evidence:": "evidence: x",
            "rating:": "rating: kha",
            "percent:": "percent: 90",
            "count:": "count: 1",
            "points:": "points: 5",
        }
        stripped = key.strip()
        if stripped in fill:
            key = key.replace(stripped, fill[stripped])
        elif (
            stripped.endswith(":")
            and line.startswith("      ")
            and "items" not in stripped
            and not stripped.startswith("-")
        ):
            key = key + " true"
        filled.append(key)
    out.write_text("\n".join(filled) + "\n", encoding="utf-8")
    result = run("validate", str(out), root=workspace)
    assert result.exit_code == 0, result.stdout


def test_schema_accepts_shipped_submissions_and_rejects_wrong_types(run: Callable[..., Any]) -> None:
    from ruamel.yaml import YAML

    for year in (2016, 2017):
        schema = json.loads(run("schema", str(year)).stdout)
        jsonschema.Draft7Validator.check_schema(schema)
        validator = jsonschema.Draft7Validator(schema)
        for path in sorted((REPO / "submissions" / str(year)).glob("*.yaml")):
            data = json.loads(json.dumps(YAML(typ="safe").load(path.read_text(encoding="utf-8")), default=str))
            assert not list(validator.iter_errors(data)), path
        data["criteria"]["nhiem-vu-ubnd-giao"]["percent"] = "96,5"
        assert list(validator.iter_errors(data))
    assert schema["properties"]["criteria"]["properties"]["chi-tieu-chuyen-mon"]["title"].startswith("1.1 ")


def test_decimal_comma_inside_a_flow_mapping_is_explained(run: Callable[..., Any], workspace: Path) -> None:
    path = workspace / "submissions" / "2017" / "so-xay-dung.yaml"
    text = path.read_text(encoding="utf-8")
    assert "target: 500, actual: 540," in text
    path.write_text(text.replace("target: 500, actual: 540,", "target: 500, actual: 54,0,"), encoding="utf-8")
    problems = json.loads(run("validate", str(path), "--format", "json", root=workspace).stdout)
    assert [(p["code"], p["line"]) for p in problems] == [("E203", 10)]
    assert "use a dot for decimals (actual: 54.0)" in problems[0]["message"]


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [
        ("emulate score 20", "2", ["2016", "2017"]),
        ("emulate new 2017 so-t", "3", ["so-tai-chinh", "so-thong-tin-truyen-thong", "so-tai-nguyen-moi-truong"]),
    ],
)
def test_bash_completion_offers_years_and_departments(words: str, cword: str, expected: list[str]) -> None:
    import os

    env = {
        **os.environ,
        "COMP_WORDS": words,
        "COMP_CWORD": cword,
        "_EMULATE_COMPLETE": "complete_bash",
        "EMULATE_ROOT": str(REPO),
    }
    result = subprocess.run(
        [sys.executable, "-c", "from emulate.entry import main; main()"], capture_output=True, text=True, env=env
    )
    assert result.stdout.split() == expected


def test_rules_tree_shows_numbers_maxima_and_sources(run: Callable[..., Any]) -> None:
    out = " ".join(run("rules", "2017").stdout.split())
    assert "maximum 650.00 + bonus 40.00" in out
    assert "3.2 Phong trào" in out and "assumed: not in the 2017 meeting report" in out


def test_max_bytes_refuses_a_larger_file(run: Callable[..., Any]) -> None:
    result = run("validate", "submissions/2017/so-xay-dung.yaml", "--max-bytes", "100", "--format", "json")
    problems = json.loads(result.stdout)
    assert result.exit_code == 1 and [p["code"] for p in problems] == ["E101"]


def test_check_rules_github_format_and_diff_of_a_broken_ruleset(run: Callable[..., Any], workspace: Path) -> None:
    path = workspace / "rules" / "2017.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("points_each: 70", "point_each: 70", 1), encoding="utf-8")
    out = run("check-rules", "--format", "github", root=workspace).stdout
    assert out.startswith("::error file=") and "title=emulate E201::" in out
    result = run("diff-rules", "2016", "2017", root=workspace)
    assert result.exit_code == 1 and "cannot be compared until the problems above are fixed" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("validate", "a" * 5000),
        ("check-rules", "a" * 5000),
        ("verify", "a" * 5000 + ".json"),
        ("diff-rules", "a" * 5000, "2017"),
    ],
    ids=lambda arg: " ".join(arg)[:40],
)
def test_a_name_too_long_for_the_system_is_a_usage_error_not_a_traceback(
    args: tuple[str, ...], run: Callable[..., Any]
) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.stderr
    assert "emulate:" in result.stderr


def test_self_without_rescore_is_a_usage_error(run: Callable[..., Any]) -> None:
    result = run("diff-rules", "2016", "2017", "--self")
    assert result.exit_code == 2
    assert "add --rescore YEAR" in result.stderr


# every command that reads the workspace's files, with the arguments that make it read them
_READING_COMMANDS = [
    ("rules", "2017"),
    ("check-rules",),
    ("validate",),
    ("score", "2017"),
    ("schema", "2017"),
    ("new", "2017", "so-xay-dung", "--output", "{tmp}/new.yaml"),
    ("history",),
    ("diff-rules", "2016", "2017"),
    ("diff-rules", "rules/2016.yaml", "rules/2017.yaml"),
    ("init-year", "2018"),
    ("gap", "2017", "so-xay-dung", "--rank", "1"),
    ("margins", "2017"),
    ("whatif", "2017", "--set", "so-xay-dung.nhiem-vu-ubnd-giao={{percent: 79.15}}"),
]


@pytest.mark.parametrize("args", _READING_COMMANDS, ids=lambda a: " ".join(a[:3]))
@pytest.mark.parametrize("how", ["option", "environment"])
def test_every_command_that_reads_files_honours_max_bytes(
    run: Callable[..., Any],
    workspace: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    how: str,
) -> None:
    monkeypatch.chdir(workspace)  # a ruleset file given to diff-rules is relative to the workspace
    argv = [a.format(tmp=tmp_path) for a in args]
    if how == "option":
        result = run(*argv, "--max-bytes", "100", root=workspace)
    else:
        result = run(*argv, root=workspace, env={"EMULATE_MAX_BYTES": "100"})
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert "E101" in result.stdout + result.stderr
    assert not (workspace / "rules" / "2018.yaml").exists() and not (tmp_path / "new.yaml").exists()


def test_each_command_summary_is_one_paragraph_without_line_breaks() -> None:
    """`emulate --help` lists each command's first paragraph: a line break in its source broke the
    listing's lines mid-sentence (gap, margins, whatif did)."""
    from emulate import i18n
    from emulate.commands import help_texts

    for language in ("en", "vi"):
        i18n.use(language)
        for name, text in help_texts().items():
            assert "\n" not in text.split("\n\n")[0], (language, name)
    i18n.use("en")
