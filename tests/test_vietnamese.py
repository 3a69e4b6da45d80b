"""Vietnamese conventions (SPEC 8): titled scales, labels read in Vietnamese, Vietnamese numbers and words."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from emulate.diff import diff_rulesets
from emulate.kinds.rating import RatingRule, RatingValue
from emulate.ruleset import Ruleset, check_ruleset, load_ruleset
from emulate.validation import validate
from emulate.yamlio import load_text

REPO = Path(__file__).resolve().parent.parent
TITLES = {"xuat-sac": "Xuất sắc", "tot": "Tốt", "kha": "Khá", "trung-binh": "Trung bình", "yeu": "Yếu"}


def _titled(points: dict[str, int]) -> dict[str, Any]:
    return {label: {"title": TITLES[label], "points": worth} for label, worth in points.items()}


# --- 1. titled scales ---------------------------------------------------------------------------


def test_a_titled_scale_scores_as_its_points() -> None:
    points = {"xuat-sac": 30, "tot": 25, "kha": 20}
    plain = RatingRule.model_validate({"kind": "rating", "scale": points, "bonus": {"at_least": "tot", "points": 5}})
    titled = RatingRule.model_validate(
        {"kind": "rating", "scale": _titled(points), "bonus": {"at_least": "tot", "points": 5}}
    )
    assert titled.points == plain.points == {k: Decimal(v) for k, v in points.items()}
    assert titled.titles == {"xuat-sac": "Xuất sắc", "tot": "Tốt", "kha": "Khá"} and plain.titles == {}
    assert titled.max_points == 30
    for label in points:
        assert titled.score(RatingValue(rating=label), 2) == plain.score(RatingValue(rating=label), 2)
    assert titled.describe() == "Xuất sắc 30, Tốt 25, Khá 20; bonus 5 at Tốt or better"
    assert titled.model_dump(mode="json")["scale"]["tot"] == {"title": "Tốt", "points": "25"}  # as written
    assert plain.model_dump(mode="json")["scale"]["tot"] == "25"


def test_a_scale_may_mix_both_forms_and_a_titled_entry_is_checked() -> None:
    rule = RatingRule.model_validate({"kind": "rating", "scale": {"a": {"title": "A", "points": 2}, "b": 1}})
    assert rule.points == {"a": 2, "b": 1} and rule.title_of("a") == "A" and rule.title_of("b") == "b"
    text = (REPO / "rules" / "2017.yaml").read_text(encoding="utf-8")
    broken = text.replace("tot: {title: Tốt, points: 25}", "tot: {title: Tốt, points: 35}", 1)
    assert broken != text
    loaded = load_text(broken, "rules/2017.yaml")
    assert loaded.document is not None
    ruleset, problems = validate(Ruleset, loaded.document.data, loaded.document)
    assert ruleset is not None and problems == []
    problems = check_ruleset(ruleset, loaded.document, 2017, {2016, 2017})
    assert [p.code for p in problems] == ["E304"]
    missing = text.replace("tot: {title: Tốt, points: 25}", "tot: {title: Tốt}", 1)
    loaded = load_text(missing, "rules/2017.yaml")
    assert loaded.document is not None
    _, problems = validate(Ruleset, loaded.document.data, loaded.document)
    assert [(p.code, p.message) for p in problems] == [("E202", "'points' is missing in 'tot': add it (`points: ...`)")]


def test_the_shipped_scales_have_their_titles() -> None:
    for year in (2016, 2017):
        ruleset = load_ruleset(REPO / "rules" / f"{year}.yaml").ruleset
        assert ruleset is not None
        criterion = ruleset.criterion("cai-cach-hanh-chinh")
        assert criterion is not None and isinstance(criterion.rule, RatingRule)
        assert criterion.rule.titles == TITLES


def test_rules_json_and_schema_and_template_show_titles(run: Callable[..., Any], tmp_path: Path) -> None:
    rules = json.loads(run("rules", "2017", "--format", "json").stdout)
    rating = next(c for content in rules["contents"] for c in content["criteria"] if c["id"] == "cai-cach-hanh-chinh")
    assert rating["rule"]["scale"]["tot"] == {"title": "Tốt", "points": "25"}
    schema = json.loads(run("schema", "2017").stdout)
    value = schema["properties"]["criteria"]["properties"]["cai-cach-hanh-chinh"]["properties"]["rating"]
    assert value["enum"] == list(TITLES) and "tot: Tốt" in value["description"]
    out = tmp_path / "t.yaml"
    assert run("new", "2017", "so-xay-dung", "--output", str(out)).exit_code == 0
    assert "xuat-sac (Xuất sắc), tot (Tốt)" in out.read_text(encoding="utf-8")


def _with_scale(scale: dict[str, Any]) -> Ruleset:
    text = (REPO / "rules" / "2017.yaml").read_text(encoding="utf-8")
    loaded = load_text(text, "rules/2017.yaml")
    assert loaded.document is not None
    data = loaded.document.data
    for content in data["contents"]:
        for criterion in content["criteria"]:
            if criterion["id"] == "cai-cach-hanh-chinh":
                criterion["rule"]["scale"] = scale
    return Ruleset.model_validate(data)


def test_diff_rules_reports_titles_apart_from_points() -> None:
    points = {"xuat-sac": 30, "tot": 25, "kha": 20, "trung-binh": 10, "yeu": 0}
    plain, titled = _with_scale(points), _with_scale(_titled(points))
    changes = [(c.op, c.path, c.old, c.new) for c in diff_rulesets(plain, titled) if c.criterion]
    assert sorted(changes) == sorted(("added", f"rule.titles.{label}", None, title) for label, title in TITLES.items())
    renamed = _titled(points)
    renamed["tot"] = {"title": "Tốt", "points": 26}
    changes = [(c.op, c.path, c.old, c.new) for c in diff_rulesets(titled, _with_scale(renamed)) if c.criterion]
    assert changes == [("changed", "rule.scale.tot", "25", "26")]


# --- 2. Vietnamese labels in a submission -------------------------------------------------------


def test_labels_in_vietnamese_score_as_their_ids(run: Callable[..., Any], workspace: Path) -> None:
    expected = json.loads(run("score", "2017", "--format", "json", root=workspace).stdout)
    path = workspace / "submissions" / "2017" / "so-xay-dung.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("rating: tot", "rating: Tốt").replace("chi-doan: not_applicable", "chi-doan: Không áp dụng")
    text = text.replace("van-phong-dien-tu: true", "van-phong-dien-tu: Có")
    path.write_text(text, encoding="utf-8")
    checked = run("validate", "--format", "json", root=workspace)
    assert checked.exit_code == 0
    problems = json.loads(checked.stdout)
    problems = problems["problems"] if isinstance(problems, dict) else problems
    assert sorted(p["code"] for p in problems) == ["W203"] * 3
    got = json.loads(run("score", "2017", "--format", "json", root=workspace).stdout)
    assert [u["total"] for u in got["ranking"]] == [u["total"] for u in expected["ranking"]]


def test_read_labels_reads_titles_and_words_exactly() -> None:
    from emulate.submission import read_labels

    ruleset = load_ruleset(REPO / "rules" / "2017.yaml").ruleset
    assert ruleset is not None
    data = {
        "criteria": {
            "cai-cach-hanh-chinh": {"rating": "Trung bình"},
            "ung-dung-cntt": {"items": {"van-phong-dien-tu": "Có", "dich-vu-cong-truc-tuyen": "Không", "x": "Có"}},
        }
    }
    read, warnings = read_labels(ruleset, data)
    assert read["criteria"]["cai-cach-hanh-chinh"] == {"rating": "trung-binh"}
    assert read["criteria"]["ung-dung-cntt"]["items"] == {
        "van-phong-dien-tu": True,
        "dich-vu-cong-truc-tuyen": False,
        "x": "Có",  # not an item: left for the checks to report
    }
    assert [at for at, _ in warnings] == [
        ("criteria", "cai-cach-hanh-chinh", "rating"),
        ("criteria", "ung-dung-cntt", "items", "van-phong-dien-tu"),
        ("criteria", "ung-dung-cntt", "items", "dich-vu-cong-truc-tuyen"),
    ]
    assert "write `rating: trung-binh`" in warnings[0][1]
    assert data["criteria"]["cai-cach-hanh-chinh"] == {"rating": "Trung bình"}  # the input is unchanged
    decomposed = "Tốt".replace("ố", "ô\u0301")  # the same word in NFD-like form: read after NFC
    assert read_labels(ruleset, {"criteria": {"cai-cach-hanh-chinh": {"rating": decomposed}}})[0]["criteria"][
        "cai-cach-hanh-chinh"
    ] == {"rating": "tot"}
    for near in ("tốt", "Tot", "TỐT", "có"):  # case and accents count
        assert read_labels(ruleset, {"criteria": {"cai-cach-hanh-chinh": {"rating": near}}})[1] == []
        assert read_labels(ruleset, {"criteria": {"ung-dung-cntt": {"items": {"ke-hoach": near}}}})[1] == []


# --- 5. an unknown EMULATE_LANG -----------------------------------------------------------------


def test_an_unknown_emulate_lang_is_an_error_like_an_unknown_lang(run: Callable[..., Any]) -> None:
    by_option = run("score", "2017", "--lang", "vn")
    by_setting = run("score", "2017", env={"EMULATE_LANG": "vn"})
    assert by_option.exit_code == by_setting.exit_code == 2
    assert "EMULATE_LANG=vn" in by_setting.stderr and "en, vi" in by_setting.stderr
    assert by_setting.stdout == ""
    assert run("score", "2017", "--lang", "en", env={"EMULATE_LANG": "vn"}).exit_code == 0  # the option wins
    assert "Đơn vị" in run("score", "2017", env={"EMULATE_LANG": "vi_VN.UTF-8"}).stdout
    assert run("score", "2017", env={"EMULATE_LANG": "", "LANG": "fr_FR.UTF-8"}).exit_code == 0  # the system's locale


# --- 3. Vietnamese numbers and dates in the outputs for people ---------------------------------


def test_vietnamese_figures() -> None:
    from emulate import i18n
    from emulate.arithmetic import number, plain, vietnamese
    from emulate.render import day, figure, figures

    assert [vietnamese(t) for t in ("611.55", "1620", "-1620.5", "0.7", "999", "1234567.00")] == [
        "611,55",
        "1.620",
        "-1.620,5",
        "0,7",
        "999",
        "1.234.567,00",
    ]
    i18n.use("vi")
    try:
        assert number(Decimal("611.55"), 2) == "611.55" and day("2017-12-28") == "2017-12-28"  # machine by default
        with figures(True):
            assert (number(Decimal("611.55"), 2), plain(Decimal(1620)), figure(Decimal("0.7"))) == (
                "611,55",
                "1.620",
                "0,7",
            )
            assert figure("650.00") == "650,00" and figure("tot") == "tot"
            assert day("2017-12-28") == "28/12/2017" and day("cuối năm") == "cuối năm"
            with figures(False):
                assert number(Decimal("611.55"), 2) == "611.55"
    finally:
        i18n.use("en")
    with figures(True):
        assert number(Decimal("1620.5"), 2) == "1620.50" and day("2017-12-28") == "2017-12-28"  # English


def test_vietnamese_tables_write_vietnamese_numbers_and_json_csv_do_not(run: Callable[..., Any]) -> None:
    table = run("score", "2017", "--lang", "vi").stdout
    assert "611,55" in table and "611.55" not in table and "94,1" in table
    markdown = run("score", "2017", "--format", "markdown", "--lang", "vi").stdout
    assert "| 611,55 |" in markdown
    assert "611.55" in run("score", "2017", "--format", "json", "--lang", "vi").stdout
    assert "611.55" in run("score", "2017", "--format", "csv", "--lang", "vi").stdout
    assert "611.55" in run("score", "2017").stdout  # English keeps its own
    explained = run("score", "2017", "--explain", "so-xay-dung", "--lang", "vi").stdout
    assert "18.000/20.000" in explained and "610,30" in explained
    assert "350,00" in run("rules", "2017", "--lang", "vi").stdout
    assert '"350.00"' in run("rules", "2017", "--format", "json", "--lang", "vi").stdout
    diff = run("diff-rules", "2016", "2017", "--lang", "vi").stdout
    assert "0,6 → 0,7" in diff and "420,00 → 470,00" in diff and "3.2 → 3.3" in diff  # numbering stays
    assert "610,30" in run("history", "so-xay-dung", "--lang", "vi").stdout
    assert "1,25" in run("margins", "2017", "--lang", "vi").stdout
    whatif = run("whatif", "2017", "--set", "so-xay-dung.cai-cach-hanh-chinh={rating: xuat-sac}", "--lang", "vi")
    assert "615,30" in whatif.stdout
    gap = run("gap", "2017", "so-xay-dung", "--lang", "vi").stdout
    assert "610,30" in gap and "actual: 28}" in gap  # the value to write stays YAML


def test_vietnamese_review_date_in_the_table(run: Callable[..., Any]) -> None:
    vi = run("score", "2017", "--lang", "vi").stdout
    en = run("score", "2017").stdout
    if "2017-12-" in en:
        assert "2017-12-" not in vi and "/12/2017" in vi


# --- 4. no English left where the tool controls the words ---------------------------------------


def _stderr(*args: str) -> tuple[int, str]:
    """A run in its own process (the language of a usage error is chosen before typer parses)."""
    import os
    import subprocess
    import sys

    environ = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    environ.pop("EMULATE_LANG", None)
    result = subprocess.run(
        [sys.executable, "-m", "emulate", *args, "--root", str(REPO)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**environ, "COLUMNS": "80"},
    )
    return result.returncode, " ".join(result.stderr.replace("│", " ").split())


def test_usage_errors_are_in_vietnamese() -> None:
    cases = {
        ("score",): ("Thiếu tham số 'YEAR'", "Missing argument"),
        ("score", "2017", "--formt", "json"): ("Không có tùy chọn: --formt (Các tùy chọn có thể:", "No such option"),
        ("score", "2017", "--format", "jsn"): ("'jsn' không phải là một trong", "is not one of"),
        ("scor", "2017"): ("Có phải ý bạn là 'score'?", "Did you mean"),
        ("score", "2017", "extra"): ("Thừa tham số (extra)", "unexpected extra"),
    }
    for args, (vietnamese, english) in cases.items():
        code, said = _stderr("--lang", "vi", *args)
        assert code == 2
        assert vietnamese in said and english not in said, said
        assert "Usage:" not in said and "for help" not in said
        assert english in _stderr(*args)[1]  # English stays English


def test_tie_breakers_and_diff_paths_in_words(run: Callable[..., Any]) -> None:
    rules = run("rules", "2017", "--lang", "vi").stdout
    assert "điểm nội dung 1, ít điểm trừ hơn" in rules and "fewer_deductions" not in rules
    explained = run("score", "2017", "--explain", "so-xay-dung", "--lang", "vi").stdout
    assert "content:1" not in explained and "điểm nội dung 1" in explained
    assert "content:1, fewer_deductions" not in run("rules", "2017").stdout  # English in words too
    diff = run("diff-rules", "2016", "2017", "--lang", "vi").stdout
    assert "± điểm mỗi chỉ tiêu: 60 → 70" in diff and "rule.points_each" not in diff
    assert "nội dung › 1 › điểm tối đa: 420,00 → 470,00" in diff
    assert "rule.points_each: 60 → 70" in run("diff-rules", "2016", "2017").stdout  # English keeps the JSON's path
    assert '"path": "rule.points_each"' in run("diff-rules", "2016", "2017", "--format", "json", "--lang", "vi").stdout
    assert "Tốt 25" in rules and "tot 25" not in rules  # a rating label shown by its title


def test_the_english_half_of_a_yaml_syntax_error_is_translated(run: Callable[..., Any], workspace: Path) -> None:
    from emulate.yamlwords import said

    path = workspace / "submissions" / "2017" / "so-xay-dung.yaml"
    text = path.read_text(encoding="utf-8")
    # a text value holding ': ' (a missing colon after a key is diagnosed on its own, in the catalog's words)
    path.write_text(text.replace("    evidence: ", "    evidence: Quyết định: ", 1), encoding="utf-8")
    vietnamese = run("validate", str(path), "--lang", "vi", root=workspace).stdout
    assert "E103" in vietnamese and "không được đặt giá trị của khóa" in vietnamese
    assert "mapping values are not allowed" not in vietnamese
    assert "mapping values are not allowed" in run("validate", str(path), root=workspace).stdout
    lines = text.splitlines(keepends=True)
    broken = next(i for i, line in enumerate(lines) if line.rstrip().endswith("}}"))
    lines[broken] = lines[broken].rstrip()[:-1] + "\n"  # a flow mapping left open
    path.write_text("".join(lines), encoding="utf-8")
    vietnamese = run("validate", str(path), "--lang", "vi", root=workspace).stdout
    assert "E103" in vietnamese and "did not find" not in vietnamese and "while parsing" not in vietnamese
    assert said("a wording not known") == "a wording not known"  # kept as it is


def test_vietnamese_documents_write_vietnamese_numbers(run: Callable[..., Any], tmp_path: Path) -> None:
    import docx

    page = tmp_path / "s.html"
    assert run("score", "2017", "--format", "html", "--output", str(page), "--lang", "vi").exit_code == 0
    assert "611,55" in page.read_text(encoding="utf-8") and "611.55" not in page.read_text(encoding="utf-8")
    minutes = tmp_path / "s.docx"
    assert run("score", "2017", "--format", "docx", "--output", str(minutes), "--lang", "vi").exit_code == 0
    document = docx.Document(str(minutes))
    text = " ".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "611,55" in text and "611.55" not in text
    english = tmp_path / "e.html"
    assert run("score", "2017", "--format", "html", "--output", str(english)).exit_code == 0
    assert "611.55" in english.read_text(encoding="utf-8")


def test_a_vietnamese_template_writes_decimals_with_a_dot(run: Callable[..., Any]) -> None:
    """The template is YAML, whose decimals take a dot, as its own header says: `--lang vi new` wrote `0,7`."""
    template = run("new", "2017", "so-xay-dung", "--output", "-", "--lang", "vi").stdout
    assert "0.7" in template and "0,7" not in template
