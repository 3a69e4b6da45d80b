"""A year scored apart (each worker scores its units and writes their part; this process ranks and joins)
gives the bytes the year scored in one process gives (issue 18), and the record written in pieces is
the record."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Run
from emulate import batch, i18n
from emulate.evaluation import evaluate
from emulate.meeting import Ballot, Meeting, decide_ballots
from emulate.render import figures
from emulate.render.score import as_csv, as_data, csv_record, json_chunks, json_record
from emulate.scoring import ScoredYear, score_year
from emulate.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent


def _classic(root: Path, year: int, format_: str, self_declared: bool = False) -> str:
    """The year read by `load_year` and scored by `evaluate` in this process, as `score` did before."""
    data = Workspace(root).load_year(year)
    evaluation = evaluate(data.ruleset, data.submissions, data.missing, None if self_declared else data.review)
    if format_ == "json":
        return "".join(json_chunks(evaluation, data.ruleset_sha256))
    return as_csv(evaluation)


def _apart(root: Path, year: int, format_: str, self_declared: bool = False) -> str:
    scored = score_year(Workspace(root), year, format_, self_declared)
    assert scored is not None and scored.ok, scored and scored.problems
    return _written(scored, format_)


def _written(scored: ScoredYear, format_: str) -> str:
    if format_ == "json":
        return "".join(json_record(scored.scores, scored.ruleset_sha256, scored.placed()))
    return csv_record(scored.scores.ruleset, scored.placed())


def _pooled(monkeypatch: pytest.MonkeyPatch, pool: bool) -> None:
    monkeypatch.setattr(batch, "POOL_FROM", 1 if pool else 10**9)
    monkeypatch.setattr(batch, "cores", lambda: 2)  # a pool even on a machine of one core


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """250 generated units (benchmarks/generate.py), with a review of a few of them."""
    root = tmp_path_factory.mktemp("generated")
    generator = REPO / "benchmarks" / "generate.py"
    subprocess.run([sys.executable, str(generator), str(root), "--units", "250"], check=True, capture_output=True)
    (root / "reviews").mkdir()
    (root / "reviews" / "2017.yaml").write_text(
        "year: 2017\n"
        "reviewed_by: don-vi-00001\n"
        "date: 2017-12-28\n"
        "adjustments:\n"
        "  - department: don-vi-00007\n"
        "    deduction: phe-binh\n"
        "    count: 2\n"
        "    reason: Biên bản kiểm tra số 12\n"
        "  - department: don-vi-00003\n"
        "    deduction: phe-binh\n"
        "    count: 1\n"
        "    reason: Kết luận thanh tra\n",
        encoding="utf-8",
    )
    return root


@pytest.mark.parametrize("format_", ["json", "csv"])
@pytest.mark.parametrize("pool", [True, False], ids=["pool", "one process"])
@pytest.mark.parametrize("self_declared", [False, True], ids=["reviewed", "self"])
def test_a_generated_year_scored_apart_is_the_year_scored_here(
    generated: Path, monkeypatch: pytest.MonkeyPatch, format_: str, pool: bool, self_declared: bool
) -> None:
    _pooled(monkeypatch, pool)
    expected = _classic(generated, 2017, format_, self_declared)
    assert _apart(generated, 2017, format_, self_declared) == expected
    if not self_declared:  # the review did change something, and the output shows it
        assert "phe-binh" in expected and ("Kết luận thanh tra" in expected or format_ == "json")


@pytest.mark.parametrize("language", ["en", "vi"])
@pytest.mark.parametrize("format_", ["json", "csv"])
def test_the_shipped_year_scored_apart_on_a_pool_is_the_year_scored_here(
    monkeypatch: pytest.MonkeyPatch, format_: str, language: str
) -> None:
    """The shipped 2017 has a review, self-scores that differ and awards with quotas; in Vietnamese the
    workers write the CSV's words in Vietnamese too."""
    _pooled(monkeypatch, True)
    i18n.use(language)
    expected = _classic(REPO, 2017, format_)
    assert _apart(REPO, 2017, format_) == expected
    if format_ == "csv":
        assert ("tự chấm" in expected) == (language == "vi")


def test_problems_are_those_load_year_finds_in_the_same_order(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken submission, a unit the ruleset does not list, a review of a unit whose file is broken."""
    _pooled(monkeypatch, True)
    folder = workspace / "submissions" / "2017"
    broken = folder / "so-cong-thuong.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("rating: ", "rating: khong-co-"), encoding="utf-8")
    shutil.copy(folder / "so-xay-dung.yaml", folder / "extra.yaml")
    review = workspace / "reviews" / "2017.yaml"
    review.write_text(
        review.read_text(encoding="utf-8") + "  - department: so-cong-thuong\n    deduction: phe-binh\n"
        "    count: 1\n    reason: thử\n",
        encoding="utf-8",
    )
    scored = score_year(Workspace(workspace), 2017, "json")
    data = Workspace(workspace).load_year(2017)
    assert scored is not None and not scored.ok and not data.ok
    assert scored.problems == data.problems
    assert {p.code for p in scored.problems} >= {"E402"}


def test_a_review_with_an_error_is_left_to_load_year(workspace: Path) -> None:
    review = workspace / "reviews" / "2017.yaml"
    review.write_text(review.read_text(encoding="utf-8").replace("reviewed_by:", "reviewd_by:"), encoding="utf-8")
    assert score_year(Workspace(workspace), 2017, "json") is None


@pytest.mark.parametrize(
    ("example", "why"),
    [("khoi-huyen", "a relative criterion"), ("cum-truong", "criteria scored by others")],
)
def test_a_year_whose_units_do_not_score_alone_is_scored_here(example: str, why: str) -> None:
    assert score_year(Workspace(REPO / "examples" / example), 2024, "json") is None, why


def test_a_year_with_a_meeting_or_in_another_format_is_scored_here(workspace: Path) -> None:
    assert score_year(Workspace(workspace), 2017, "markdown") is None
    (workspace / "meetings").mkdir()
    (workspace / "meetings" / "2017.yaml").write_text("year: 2017\n", encoding="utf-8")
    assert score_year(Workspace(workspace), 2017, "json") is None


EXAMPLES = [
    (REPO, 2017),
    (REPO, 2016),
    (REPO / "examples" / "khoi-huyen", 2024),
    (REPO / "examples" / "cum-truong", 2024),
]


@pytest.mark.parametrize(("root", "year"), EXAMPLES, ids=lambda v: str(v).rsplit("/", 1)[-1])
@pytest.mark.parametrize("self_declared", [False, True], ids=["reviewed", "self"])
def test_the_record_written_in_pieces_is_the_record(root: Path, year: int, self_declared: bool) -> None:
    """`json_chunks` joins pieces by hand: its text must be what json writes of `as_data`, whatever the
    year holds (a review, assessments and their hashes, groups, classes, no review)."""
    data = Workspace(root).load_year(year)
    evaluation = evaluate(data.ruleset, data.submissions, data.missing, None if self_declared else data.review)
    written = "".join(json_chunks(evaluation, data.ruleset_sha256))
    assert written == json.dumps(as_data(evaluation, data.ruleset_sha256), ensure_ascii=False, indent=2) + "\n"


_KEYS = st.one_of(st.text(max_size=4), st.integers(-5, 5), st.none(), st.booleans())
_JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=6)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(_KEYS, inner, max_size=3),
    ),
    max_leaves=12,
)


@settings(max_examples=300, derandomize=True)
@given(st.dictionaries(_KEYS, _JSON, min_size=1, max_size=4))
def test_members_are_laid_out_as_json_lays_them_out(data: dict[object, object]) -> None:
    """The record's members are written by `_members`, not by json: for whatever the record may hold
    (text, numbers, None, lists, tuples, objects, keys that are not text), the same text."""
    from emulate.render.score import _members

    assert "{\n" + _members(data, "") + "\n}" == json.dumps(data, ensure_ascii=False, indent=2)


def test_the_record_with_ballots_and_with_no_unit_is_the_record(workspace: Path) -> None:
    data = Workspace(workspace).load_year(2017)
    evaluation = evaluate(data.ruleset, data.submissions, data.missing, data.review)
    proposed = [u for u in evaluation.ranking.units if u.award is not None]
    award = proposed[0].award
    assert award is not None
    votes = tuple((u.card.department, 9) for u in proposed if u.award == award)
    meeting = Meeting(2017, "2017-12-28", None, None, None, (), (Ballot(award, 10, votes),))
    ballots = decide_ballots(data.ruleset, evaluation.ranking, meeting)
    for chosen in (ballots, None):
        text = "".join(json_chunks(evaluation, "x", chosen))
        assert text == json.dumps(as_data(evaluation, "x", chosen), ensure_ascii=False, indent=2) + "\n"
    assert '"carried": "' in "".join(json_chunks(evaluation, "x", ballots))
    empty = evaluate(data.ruleset, [], [d.id for d in data.ruleset.departments], None)
    text = "".join(json_chunks(empty, "x"))
    assert '"ranking": [],' in text
    assert text == json.dumps(as_data(empty, "x"), ensure_ascii=False, indent=2) + "\n"


def test_the_command_takes_the_way_apart_and_writes_the_same(
    run: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`emulate score` writes what it wrote before: the record and the CSV of the shipped year."""
    _pooled(monkeypatch, True)
    with figures(False):
        expected = {format_: _classic(REPO, 2017, format_) for format_ in ("json", "csv")}

    def not_here(*args: object) -> None:
        raise AssertionError("read in this process")

    monkeypatch.setattr(Workspace, "load_year", not_here)
    for format_, text in expected.items():
        result = run("score", "2017", "--format", format_)
        # (the runner's stdout has its line ends made \n: the CSV's own are \r\n)
        assert result.exit_code == 0 and result.stdout == text.replace("\r\n", "\n")
