"""A new year (`init-year`) and a new bloc (`init`): text edited in place, nothing overwritten."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from emulate import i18n
from emulate.cli import app
from emulate.newyear import CannotEdit, next_year_text

REPO = Path(__file__).resolve().parent.parent


def init(folder: Path) -> Any:
    """`emulate init FOLDER` (it takes no --root: the folder is the workspace to be)."""
    i18n.use("en")
    return CliRunner().invoke(app, ["init", str(folder)], catch_exceptions=False)


def comments(text: str) -> list[str]:
    return [line[line.index("#") :] for line in text.splitlines() if "#" in line and "source" not in line]


def test_init_year_edits_only_year_version_title_and_previous(run: Callable[..., Any], workspace: Path) -> None:
    result = run("init-year", "2018", root=workspace)
    assert result.exit_code == 0, result.stderr
    old = (workspace / "rules" / "2017.yaml").read_text(encoding="utf-8").splitlines()
    new = (workspace / "rules" / "2018.yaml").read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    assert changed == [
        ("year: 2017", "year: 2018"),
        ('version: "2017.1"', 'version: "2018.1"'),
        ("title: Giao ước thi đua Khối thi đua số 3 năm 2017", "title: Giao ước thi đua Khối thi đua số 3 năm 2018"),
        ("previous: 2016", "previous: 2017"),
    ]
    # every comment and every source kept, and the new year checks
    assert comments("\n".join(new)) == comments("\n".join(old))
    assert [line for line in new if "source:" in line] == [line for line in old if "source:" in line]
    assert run("check-rules", str(workspace / "rules" / "2018.yaml"), root=workspace).exit_code == 0
    assert "rules/2018.yaml" in result.stderr.replace("\\", "/")


def test_init_year_from_a_ruleset_without_previous_adds_it(run: Callable[..., Any], workspace: Path) -> None:
    assert run("init-year", "2017", "--from", "2016", root=workspace).exit_code == 1  # 2017 exists: never overwritten
    (workspace / "rules" / "2017.yaml").unlink()
    result = run("init-year", "2017", "--from", "2016", root=workspace)
    assert result.exit_code == 0, result.stderr
    text = (workspace / "rules" / "2017.yaml").read_text(encoding="utf-8")
    assert 'version: "2017.1"\nprevious: 2016\n' in text
    assert run("check-rules", root=workspace).exit_code == 0


def test_init_year_picks_the_latest_earlier_year(run: Callable[..., Any], workspace: Path) -> None:
    assert run("init-year", "2020", root=workspace).exit_code == 0
    assert "previous: 2017" in (workspace / "rules" / "2020.yaml").read_text(encoding="utf-8")
    assert "title: Giao ước thi đua Khối thi đua số 3 năm 2020" in (workspace / "rules" / "2020.yaml").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("init-year", "2016"), 1),  # exists
        (("init-year", "2015"), 2),  # no earlier ruleset to start from
        (("init-year", "2019", "--from", "2013"), 2),  # unknown year
        (("init-year", "2016", "--from", "2017"), 1),  # exists, whatever --from says
        (("init-year", "2017", "--from", "2017"), 1),
    ],
)
def test_init_year_refusals(run: Callable[..., Any], workspace: Path, args: tuple[str, ...], code: int) -> None:
    before = {p.name: p.read_bytes() for p in (workspace / "rules").iterdir()}
    result = run(*args, root=workspace)
    assert result.exit_code == code, result.stderr
    assert "Traceback" not in result.stderr and result.stderr.startswith("emulate: ")
    assert {p.name: p.read_bytes() for p in (workspace / "rules").iterdir()} == before


def test_init_year_keeps_crlf_and_trailing_comments() -> None:
    text = "# top\r\nyear: 2017   # năm\r\nversion: '2017.1' # v\r\ntitle: Năm 2017\r\nprevious: 2016\r\n"
    new = next_year_text(text, 2017, 2018).text
    assert new == '# top\r\nyear: 2018   # năm\r\nversion: "2018.1" # v\r\ntitle: Năm 2018\r\nprevious: 2017\r\n'
    added = next_year_text(text.replace("previous: 2016\r\n", ""), 2017, 2018)
    assert added.added_previous and 'version: "2018.1" # v\r\nprevious: 2017\r\ntitle' in added.text


def test_a_layout_the_edit_cannot_follow_is_refused() -> None:
    with pytest.raises(CannotEdit):
        next_year_text("{year: 2017, version: '2017.1', title: x}\n", 2017, 2018)
    assert next_year_text("year: 2017\nversion: '2017.1'\ntitle: x", 2017, 2018).text == (
        'year: 2018\nversion: "2018.1"\nprevious: 2017\ntitle: x'
    )
    with pytest.raises(CannotEdit):  # the year is given twice: the second one would win
        next_year_text("year: 2017\nversion: '2017.1'\ntitle: x\nyear: 2017\n", 2017, 2018)


def test_init_writes_a_workspace_whose_example_passes_check_rules(run: Callable[..., Any], tmp_path: Path) -> None:
    target = tmp_path / "khoi-moi"
    result = init(target)
    assert result.exit_code == 0, result.stderr
    rules = list((target / "rules").glob("*.yaml"))
    assert len(rules) == 1 and (target / "submissions").is_dir() and not any((target / "submissions").iterdir())
    text = rules[0].read_text(encoding="utf-8")
    assert sum(line.lstrip().startswith("#") or " # " in line for line in text.splitlines()) >= 20  # commented
    checked = run("check-rules", "--format", "json", root=target)
    assert checked.exit_code == 0 and checked.stdout.strip() == "[]", checked.stdout
    year = int(rules[0].stem)
    assert run("new", str(year), "don-vi-b", root=target).exit_code == 0


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "notes.txt").write_text("x", encoding="utf-8")
    result = init(tmp_path / "old")
    assert result.exit_code == 1 and result.stderr.startswith("emulate: ")
    assert [p.name for p in (tmp_path / "old").iterdir()] == ["notes.txt"]
    (tmp_path / "empty").mkdir()
    assert init(tmp_path / "empty").exit_code == 0
