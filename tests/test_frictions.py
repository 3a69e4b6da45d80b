"""The frictions the officers met (issue 15, item 5): each with a test that failed before its fix."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from emulate.fields import comma_advice

SUBMISSION = Path("submissions") / "2017" / "so-xay-dung.yaml"


def validate(run: Callable[..., Any], workspace: Path, path: Path) -> list[dict[str, Any]]:
    result = run("validate", str(path), "--format", "json", root=workspace)
    found: list[dict[str, Any]] = json.loads(result.stdout)
    return found


def edit(workspace: Path, old: str, new: str, relative: Path = SUBMISSION) -> Path:
    path = workspace / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


# 1. number advice that goes in a circle


@pytest.mark.parametrize(
    ("text", "advised", "not_advised"),
    [
        ("20,000", "20000", "20.000"),
        ("1,500,000", "1500000", "1.500"),
        ("1,500", "1500", "1.500"),
        ("12,5", "12.5", "125"),
        ("96,50", "96.50", "9650"),
    ],
)
def test_comma_advice_never_advises_what_draws_w201(text: str, advised: str, not_advised: str) -> None:
    advice = comma_advice(text)
    assert advice is not None and advised in advice and not_advised not in advice


def test_comma_advice_is_none_for_other_text() -> None:
    assert comma_advice("abc") is None and comma_advice("12.5") is None


def test_thousands_with_a_comma_in_a_submission_advises_no_separator(run: Callable[..., Any], workspace: Path) -> None:
    path = edit(workspace, "target: 20000, actual: 18000", 'target: "20,000", actual: 18000')
    problems = validate(run, workspace, path)
    assert [p["code"] for p in problems] == ["E203"]
    assert "20000" in problems[0]["message"] and "20.000" not in problems[0]["message"]


def test_thousands_with_a_comma_in_a_flow_mapping_advises_no_separator(
    run: Callable[..., Any], workspace: Path
) -> None:
    path = edit(workspace, "target: 20000, actual: 18000", "target: 20,000, actual: 18000")
    problems = validate(run, workspace, path)
    assert [p["code"] for p in problems] == ["E203"]
    assert "target: 20000" in problems[0]["message"] and "20.000" not in problems[0]["message"]


def test_decimal_comma_still_advises_a_dot(run: Callable[..., Any], workspace: Path) -> None:
    path = edit(workspace, "nhiem-vu-ubnd-giao: {percent: 90}", 'nhiem-vu-ubnd-giao: {percent: "90,5"}')
    problems = validate(run, workspace, path)
    assert [p["code"] for p in problems] == ["E203"]
    assert "90.5" in problems[0]["message"]


# 2. `unit: %` in templates and in messages


def test_the_template_quotes_its_percent_example(run: Callable[..., Any], workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "new.yaml"
    assert run("new", "2017", "so-xay-dung", "--output", str(out), root=workspace).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert '"%"' in text and ", %\n" not in text


SYNTAX = Path("submissions") / "2017" / "so-xay-dung.yaml"


def syntax_problems(run: Callable[..., Any], workspace: Path, old: str, new: str) -> list[dict[str, Any]]:
    path = edit(workspace, old, new, SYNTAX)
    return validate(run, workspace, path)


def line_of(workspace: Path, text: str) -> int:
    lines = (workspace / SYNTAX).read_text(encoding="utf-8").split("\n")
    return next(n for n, line in enumerate(lines, 1) if text in line)


@pytest.mark.parametrize(("value", "char"), [("%", "%"), ("@sxd", "@"), ("`m2`", "`")])
def test_a_plain_value_starting_with_a_reserved_character_is_told_to_be_quoted(
    run: Callable[..., Any], workspace: Path, value: str, char: str
) -> None:
    problems = syntax_problems(run, workspace, 'unit: "%", target: 25', f"unit: {value}, target: 25")
    assert [(p["code"], p["line"]) for p in problems] == [("E103", 8)]
    assert f"'{char}'" in problems[0]["message"] and f'"{value}"' in problems[0]["message"]


# 3. YAML syntax errors at the line of the mistake, with the right advice


def test_a_missing_colon_after_a_key_is_reported_at_its_own_line(run: Callable[..., Any], workspace: Path) -> None:
    problems = syntax_problems(run, workspace, "  cai-cach-hanh-chinh:\n", "  cai-cach-hanh-chinh\n")
    assert [(p["code"], p["line"], p["column"]) for p in problems] == [("E103", 13, 3)]
    assert "`cai-cach-hanh-chinh:`" in problems[0]["message"]


def test_a_missing_colon_between_key_and_value_is_reported_at_its_own_line(
    run: Callable[..., Any], workspace: Path
) -> None:
    problems = syntax_problems(run, workspace, "    rating: tot\n", "    rating tot\n")
    assert [(p["code"], p["line"], p["column"]) for p in problems] == [("E103", 14, 5)]
    assert "`rating: tot`" in problems[0]["message"]
    assert "quotes" not in problems[0]["message"]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("  hoc-tap-lam-theo-bac: {points: 8}", "hoc-tap-lam-theo-bac: {points: 8}"),
        ("  cai-cach-hanh-chinh:\n    rating: tot", "cai-cach-hanh-chinh:\n    rating: tot"),
    ],
)
def test_a_criterion_moved_to_column_0_is_reported_at_its_line(
    run: Callable[..., Any], workspace: Path, old: str, new: str
) -> None:
    problems = syntax_problems(run, workspace, old, new)
    key = new.split(":")[0]
    assert [(p["code"], p["line"], p["column"]) for p in problems] == [("E103", line_of(workspace, key + ":"), 1)]
    assert "column 3" in problems[0]["message"]


def test_a_value_in_smart_quotes_is_not_told_to_be_put_in_quotes(run: Callable[..., Any], workspace: Path) -> None:
    problems = syntax_problems(
        run,
        workspace,
        'evidence: "Quyết định 2456/QĐ-UBND ngày 28/12/2017 công bố chỉ số cải cách hành chính"',
        "evidence: “Quyết định 2456/QĐ-UBND: ngày 28/12/2017”",
    )
    assert [(p["code"], p["line"], p["column"]) for p in problems] == [("E103", 15, 15)]
    assert "put the whole value in quotes" not in problems[0]["message"]
    assert "straight quotes" in problems[0]["message"]


def test_text_after_a_quoted_value_is_not_told_to_be_put_in_quotes(run: Callable[..., Any], workspace: Path) -> None:
    problems = syntax_problems(
        run, workspace, "    rating: tot\n", '    rating: tot\n    note: "Quyết định" số 12: ngày 28/12\n'
    )
    assert [(p["code"], p["line"]) for p in problems] == [("E103", 15)]
    assert "closing quote" in problems[0]["message"]


def test_tab_indentation_is_reported_once_at_the_first_tab_indented_line(
    run: Callable[..., Any], workspace: Path
) -> None:
    path = workspace / SYNTAX
    text = path.read_text(encoding="utf-8")
    tabbed = "\n".join(
        "\t" * ((len(line) - len(line.lstrip(" "))) // 2) + line.lstrip(" ") for line in text.split("\n")
    )
    path.write_text(tabbed, encoding="utf-8")
    problems = validate(run, workspace, path)
    first = next(n for n, line in enumerate(tabbed.split("\n"), 1) if line.startswith("\t") and "#" not in line[:3])
    assert [(p["code"], p["line"], p["column"]) for p in problems] == [("E103", first, 1)]
    count = sum(1 for line in tabbed.split("\n") if line.startswith("\t") and not line.lstrip().startswith("#"))
    assert f"and {count - 1} more are indented with tabs" in problems[0]["message"]


# 4. `emulate rules YEAR` lists the department ids


def test_rules_lists_the_department_ids(run: Callable[..., Any]) -> None:
    tree = run("rules", "2017", env={"COLUMNS": "200"}).stdout
    as_json = json.loads(run("rules", "2017", "--format", "json").stdout)
    ids = [d["id"] for d in as_json["departments"]]
    assert len(ids) == 7 and "so-tai-nguyen-moi-truong" in ids
    for department in as_json["departments"]:
        assert f"{department['id']}: {department['name']}" in tree


# 5. the review file


REVIEW = """\
year: 2017
reviewed_by: so-tai-chinh
date: 2017-12-28
adjustments:
  - department: {department}
    criterion: {criterion}
    value: {value}
    reason: "Biên bản kiểm tra chéo"
"""


def review(
    run: Callable[..., Any],
    workspace: Path,
    department: str = "so-xay-dung",
    criterion: str = "nong-thon-moi",
    value: str = "{points: 10}",
) -> list[dict[str, Any]]:
    path = workspace / "reviews" / "2017.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(REVIEW.format(department=department, criterion=criterion, value=value), encoding="utf-8")
    return validate(run, workspace, path)


def scores(run: Callable[..., Any], workspace: Path) -> tuple[Any, Any]:
    """The ranking and the review's effects (not the review file's hash)."""
    result = json.loads(run("score", "2017", "--format", "json", root=workspace).stdout)
    return result["ranking"], result["review"]["adjustments"]


@pytest.mark.parametrize("name", ['"3.2"', "3.2"])
def test_a_review_may_name_a_criterion_by_its_number(run: Callable[..., Any], workspace: Path, name: str) -> None:
    assert review(run, workspace, criterion=name) == []
    by_number = scores(run, workspace)
    review(run, workspace, criterion="nong-thon-moi")
    assert scores(run, workspace) == by_number


def test_a_checklist_adjustment_may_give_only_the_items_it_changes(run: Callable[..., Any], workspace: Path) -> None:
    # so-tai-nguyen-moi-truong declares van-phong-dien-tu and dich-vu-cong-truc-tuyen achieved (15 of 20)
    assert (
        review(
            run,
            workspace,
            department="so-tai-nguyen-moi-truong",
            criterion="ung-dung-cntt",
            value="{items: {dich-vu-cong-truc-tuyen: false}}",
        )
        == []
    )
    partial = scores(run, workspace)
    assert [(a["self_declared"], a["reviewed"]) for a in partial[1]] == [("15.00", "5.00")]
    review(
        run,
        workspace,
        department="so-tai-nguyen-moi-truong",
        criterion="ung-dung-cntt",
        value="{items: {van-phong-dien-tu: true, dich-vu-cong-truc-tuyen: false, cong-thong-tin: false}}",
    )
    assert scores(run, workspace) == partial


@pytest.mark.parametrize(
    ("criterion", "bare", "mapping"),
    [("nong-thon-moi", "14", "{points: 14}"), ("nhiem-vu-ubnd-giao", "90", "{percent: 90}")],
)
def test_a_bare_value_stands_for_its_kinds_one_key(
    run: Callable[..., Any], workspace: Path, criterion: str, bare: str, mapping: str
) -> None:
    assert review(run, workspace, criterion=criterion, value=bare) == []
    as_bare = scores(run, workspace)
    assert review(run, workspace, criterion=criterion, value=mapping) == []
    assert scores(run, workspace) == as_bare


def test_a_bare_value_that_cannot_stand_for_a_mapping_is_shown_the_form(
    run: Callable[..., Any], workspace: Path
) -> None:
    problems = review(run, workspace, criterion="ung-dung-cntt", value="true")
    assert [(p["code"], p["line"]) for p in problems] == [("E204", 7)]
    assert "`value: {items: {van-phong-dien-tu: true," in problems[0]["message"]


def test_a_department_name_is_told_its_real_id(run: Callable[..., Any], workspace: Path) -> None:
    problems = review(run, workspace, department="Sở Tài nguyên và Môi trường")
    assert [(p["code"], p["line"], p["column"]) for p in problems] == [("E401", 5, 17)]
    assert "'so-tai-nguyen-moi-truong'" in problems[0]["message"]
    assert "so-tai-nguyen-va-moi-truong" not in problems[0]["message"]


# 9. a review file is not a submission


def test_validate_counts_review_files_apart_from_submissions(run: Callable[..., Any], workspace: Path) -> None:
    review(run, workspace)
    everything = run("validate", root=workspace)
    assert "14 submission file(s), 1 review file(s) checked: no problems" in everything.stderr
    alone = run("validate", str(workspace / "reviews" / "2017.yaml"), root=workspace)
    assert "submission" not in alone.stderr and "1 review file(s) checked" in alone.stderr


# 8. the Computed column, verify's numbers, the checklist item's choices


def test_computed_shows_what_the_self_declared_value_scores_not_the_review(
    run: Callable[..., Any], workspace: Path
) -> None:
    # so-tai-chinh claims hoat-dong-chung 20 and declares 18; nhiem-vu-ubnd-giao 28.95 matches 96.5 %
    review(run, workspace, department="so-tai-chinh", criterion="hoat-dong-chung", value="{points: 15}")
    table = run("score", "2017", "--format", "markdown", root=workspace).stdout
    assert "| Sở Tài chính | 3.4 | Tham gia hoạt động chung của Khối | 20.00 | 18.00 |" in table
    review(run, workspace, department="so-tai-chinh", criterion="nhiem-vu-ubnd-giao", value="{percent: 90}")
    table = run("score", "2017", "--format", "markdown", root=workspace).stdout
    differences = table.split("### Self-declared points that differ")[1]
    assert "| Sở Tài chính | 1.3 |" not in differences  # the claim matches the unit's own value
    explain = run("score", "2017", "--explain", "so-tai-chinh", root=workspace, env={"COLUMNS": "200"}).stdout
    assert "self-declared 28.95, computed 28.95: matches" in explain


def test_verify_does_not_report_the_same_number_written_otherwise(
    run: Callable[..., Any], workspace: Path, tmp_path: Path
) -> None:
    record = json.loads(run("score", "2017", "--format", "json", root=workspace).stdout)
    first = record["ranking"][0]
    first["total"] = first["total"].rstrip("0").rstrip(".")  # "611.50" -> "611.5"
    criterion = next(iter(first["criteria"].values()))
    criterion["points"] = criterion["points"] + "0"
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    result = run("verify", str(path), root=workspace)
    assert result.exit_code == 0, result.stdout


@pytest.mark.parametrize(
    ("item", "value", "offers", "code"),
    [
        ("chi-doan", "", True, "E204"),  # if_not_applicable: full
        ("to-chuc-dang", "", False, "E204"),
        ("to-chuc-dang", "n/a", False, "E204"),
        ("chi-doan", "n/a", True, "E204"),
    ],
)
def test_a_checklist_items_message_offers_not_applicable_only_where_allowed(
    run: Callable[..., Any], workspace: Path, item: str, value: str, offers: bool, code: str
) -> None:
    old = "to-chuc-dang: true, cong-doan: true, chi-doan: not_applicable,"
    new = old.replace(f"{item}: {'not_applicable' if item == 'chi-doan' else 'true'}", f"{item}: {value}")
    problems = validate(run, workspace, edit(workspace, old, new))
    assert [p["code"] for p in problems] == [code]
    assert ("not_applicable" in problems[0]["message"]) is offers, problems[0]["message"]
    assert f"'{item}'" in problems[0]["message"]


# 11. a total floored at 0


FLOORED_RULES = """\
ruleset: test
year: 2017
version: "1"
title: Test
departments:
  - {id: unit, name: Unit}
contents:
  - id: "1"
    title: Content
    criteria:
      - {id: criterion, no: "1.1", title: Criterion, source: test, rule: {kind: assessed, max: 20}}
deductions:
  - {id: phe-binh, title: Phê bình, per: 5, cap: 20, source: test}
"""


@pytest.fixture
def floored(tmp_path: Path) -> Path:
    root = tmp_path / "floored"
    (root / "rules").mkdir(parents=True)
    (root / "submissions" / "2017").mkdir(parents=True)
    (root / "rules" / "2017.yaml").write_text(FLOORED_RULES, encoding="utf-8")
    (root / "submissions" / "2017" / "unit.yaml").write_text(
        "department: unit\nyear: 2017\ncriteria:\n  criterion: {points: 3}\ndeductions: {phe-binh: 2}\n",
        encoding="utf-8",
    )
    return root


def test_explain_says_a_total_is_floored_and_shows_no_empty_awards(run: Callable[..., Any], floored: Path) -> None:
    tree = run("score", "2017", "--explain", "unit", root=floored, env={"COLUMNS": "200"}).stdout
    assert "the sum was -7.00, below 0: the total is floored at 0" in tree
    assert "Awards" not in tree


def test_the_scoring_sheets_say_a_total_is_floored(run: Callable[..., Any], floored: Path, tmp_path: Path) -> None:
    import docx

    sheet = tmp_path / "sheet.html"
    assert run("score", "2017", "--explain", "unit", "--format", "html", "-o", str(sheet), root=floored).exit_code == 0
    assert "the sum was -7.00, below 0: the total is floored at 0" in sheet.read_text(encoding="utf-8")
    word = tmp_path / "sheet.docx"
    assert run("score", "2017", "--explain", "unit", "--format", "docx", "-o", str(word), root=floored).exit_code == 0
    text = "\n".join(p.text for p in docx.Document(str(word)).paragraphs)
    assert "the sum was -7.00, below 0: the total is floored at 0" in text


# 6. --self outputs say so on their face; 7. the xlsx adds up and sorts


SELF_NOTE = "Self-declared values: the units' own figures, without the bloc's review (score --self)"


def test_self_declared_outputs_say_so(run: Callable[..., Any], workspace: Path, tmp_path: Path) -> None:
    import docx

    review(run, workspace)
    table = " ".join(run("score", "2017", "--self", root=workspace, env={"COLUMNS": "200"}).stdout.split())
    assert SELF_NOTE in table
    assert SELF_NOTE in run("score", "2017", "--self", "--format", "markdown", root=workspace).stdout
    assert SELF_NOTE not in run("score", "2017", "--format", "markdown", root=workspace).stdout
    html = tmp_path / "s.html"
    run("score", "2017", "--self", "--format", "html", "-o", str(html), root=workspace)
    assert SELF_NOTE.replace("'", "&#x27;") in html.read_text(encoding="utf-8")
    word = tmp_path / "s.docx"
    run("score", "2017", "--self", "--format", "docx", "-o", str(word), root=workspace)
    assert SELF_NOTE in [p.text for p in docx.Document(str(word)).paragraphs]
    book = tmp_path / "s.xlsx"
    run("score", "2017", "--self", "--format", "xlsx", "-o", str(book), root=workspace)
    sheet = openpyxl.load_workbook(book).worksheets[0]
    assert sheet["A3"].value == SELF_NOTE


def test_the_xlsx_has_a_title_block_a_numeric_rank_and_criteria_that_add_up(
    run: Callable[..., Any], workspace: Path, tmp_path: Path
) -> None:
    from decimal import Decimal

    # two units tied: so-xay-dung becomes a copy of so-tai-chinh (and no review tells them apart)
    (workspace / "reviews" / "2017.yaml").unlink()
    source = (workspace / "submissions" / "2017" / "so-tai-chinh.yaml").read_text(encoding="utf-8")
    (workspace / "submissions" / "2017" / "so-xay-dung.yaml").write_text(
        source.replace("department: so-tai-chinh", "department: so-xay-dung"), encoding="utf-8"
    )
    book_path = tmp_path / "s.xlsx"
    assert run("score", "2017", "--format", "xlsx", "-o", str(book_path), root=workspace).exit_code == 0
    book = openpyxl.load_workbook(book_path)
    ranking = book.worksheets[0]
    assert ranking["A1"].value == "Khối thi đua số 3"
    assert "2017" in ranking["A2"].value and "2017.1" in ranking["A2"].value
    assert ranking["A3"].value.startswith("Basis:")
    rows = [[c.value for c in row] for row in ranking.iter_rows(min_row=6, max_row=12)]
    assert all(isinstance(row[0], int) for row in rows)
    assert [row[1] for row in rows[:2]] == ["=", "="] and rows[0][0] == rows[1][0] == 1
    criteria = book["Criteria"]
    heads = [c.value for c in criteria[1]]
    ruleset = json.loads(run("rules", "2017", "--format", "json", root=workspace).stdout)
    for row in criteria.iter_rows(min_row=2, values_only=True):
        value = dict(zip(heads, row, strict=True))
        number = {k: Decimal(str(v)) for k, v in value.items() if isinstance(v, (int, float))}
        contents = [c["id"] for c in ruleset["contents"]]
        for content in ruleset["contents"]:
            parts = [number[c["no"]] for c in content["criteria"]]
            assert sum(parts) == number[content["id"]], (value["Unit"], content["id"])
        if value["Unit"] != "Maximum":
            assert sum(number[c] for c in contents) + number["Bonus"] - number["Deductions"] == number["Total"]


# 10. narrow tables, trailing spaces, diff-rules --rescore in 80 columns


def test_the_rescoring_table_fits_80_columns(run: Callable[..., Any]) -> None:
    text = run("diff-rules", "2016", "2017", "--rescore", "2017", env={"COLUMNS": "80"}).stdout
    table = text[text.index("Re-scored:") :]
    assert max(len(line) for line in table.splitlines()) <= 80
    assert "Sở Nông nghiệp và Phát" in table and "triển nông thôn" in table  # a long name wraps


@pytest.mark.parametrize(
    "args",
    [("score", "2017"), ("rules", "2017"), ("score", "2017", "--explain", "so-tai-chinh"), ("history",)],
)
def test_tables_have_no_trailing_spaces(run: Callable[..., Any], args: tuple[str, ...]) -> None:
    for columns in ("60", "80", "120"):
        out = run(*args, env={"COLUMNS": columns}).stdout
        assert out.strip() and not [line for line in out.splitlines() if line.endswith(" ")], (args, columns)


def test_a_table_written_to_a_file_has_no_trailing_spaces(run: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "table.txt"
    assert run("score", "2017", "--output", str(out)).exit_code == 0
    assert not [line for line in out.read_text(encoding="utf-8").splitlines() if line.endswith(" ")]


def test_the_ranking_at_60_columns_wraps_names_and_cuts_no_number(run: Callable[..., Any]) -> None:
    out = run("score", "2017", env={"COLUMNS": "60"}).stdout
    assert max(len(line) for line in out.splitlines()) <= 60
    record = json.loads(run("score", "2017", "--format", "json").stdout)
    for unit in record["ranking"]:
        line = next(line for line in out.splitlines() if line.startswith(f"{unit['rank']} "))
        assert unit["total"] in line.split() and unit["contents"]["1"] in line.split()
    assert "co-thi-dua: Sở Tài chính" in out  # the award column, under the table
    assert "Giao ước thi đua Khối thi đua số 3 năm 2017 (version 2017.1)" in " ".join(out.split())


def test_awards_too_wide_for_the_table_go_under_it_whole(run: Callable[..., Any]) -> None:
    """At 80 columns the khoi-huyen ranking cut `co-chinh-phu, bang-khen` to `co-chinh-phu` and `co-tinh, ban`,
    and a group's title to `— N`: the awards of two units did not fit beside the class column."""
    root = Path(__file__).parent.parent / "examples" / "khoi-huyen"
    out = run("score", "2024", root=root, env={"COLUMNS": "80"}).stdout
    assert max(len(line) for line in out.splitlines()) <= 80
    flat = " ".join(out.split())
    assert "— Nhóm huyện" in flat and "— Nhóm thành phố, thị xã" in flat
    assert "co-chinh-phu: UBND huyện Thanh Liêm" in flat
    assert "co-tinh: UBND thành phố Phủ Lý, UBND huyện Lý Nhân" in flat
    assert "bang-khen: UBND thành phố Phủ Lý, UBND thị xã Kim Bảng, UBND huyện Thanh Liêm, UBND huyện Lý Nhân" in flat
    wide = run("score", "2024", root=root, env={"COLUMNS": "120"}).stdout
    assert "co-chinh-phu, bang-khen" in wide  # where they fit, the award column stays


def test_new_with_output_dash_writes_to_standard_output(run: Callable[..., Any], tmp_path: Path) -> None:
    """`new --output -` wrote a file named '-' (as `import --output -` does not): it writes the template to stdout."""
    import os

    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = run("new", "2017", "so-xay-dung", "--output", "-")
    finally:
        os.chdir(here)
    assert result.exit_code == 0
    assert "department: so-xay-dung" in result.stdout
    assert not (tmp_path / "-").exists()
    # a workbook is not text: as every format that only a file can hold, it needs a file
    workbook = run("new", "2017", "so-xay-dung", "--format", "xlsx", "--output", "-")
    assert workbook.exit_code == 2 and "--format xlsx writes a file" in workbook.stderr and not workbook.stdout
