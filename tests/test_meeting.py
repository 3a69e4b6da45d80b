"""The meeting file: which proposals the ballots carry, and what `score` shows with and without it."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from emulate.engine import AwardCheck, Ranking
from emulate.evaluation import evaluate
from emulate.meeting import Ballot, Meeting, carried_awards, decide_ballots
from emulate.ruleset import Ruleset
from emulate.workspace import Workspace

MEETING = """\
date: 2017-12-28
place: Hà Nội
chair: Nguyễn Văn An
secretary: Trần Thị Bình
attendees:
  - {department: so-tai-chinh, person: Nguyễn Văn An, title: Giám đốc}
ballots:
  - award: co-thi-dua
    voters: 7
    votes: {so-tai-chinh: 6}
  - award: bang-khen
    voters: 7
    votes: {so-xay-dung: 4, so-nong-nghiep: 3, so-tai-nguyen-moi-truong: 7}
"""


def write_meeting(workspace: Path, text: str) -> Path:
    path = workspace / "meetings" / "2017.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def reviewed(workspace: Path) -> tuple[Ruleset, Ranking]:
    data = Workspace(workspace).load_year(2017)
    assert data.ruleset is not None
    return data.ruleset, evaluate(data.ruleset, data.submissions, data.missing, data.review).ranking


def meeting(*ballots: Ballot) -> Meeting:
    return Meeting(2017, "2017-12-28", None, None, None, (), ballots)


def with_award(ruleset: Ruleset, award_id: str, **changes: Any) -> Ruleset:
    awards = [a.model_copy(update=changes) if a.id == award_id else a for a in ruleset.awards]
    return ruleset.model_copy(update={"awards": awards})


def test_a_proposal_is_carried_by_more_than_half_of_the_voters(workspace: Path) -> None:
    ruleset, ranking = reviewed(workspace)
    proposed = [u.card.department for u in ranking.units if u.award == "bang-khen"]
    assert proposed == ["so-xay-dung", "so-nong-nghiep"]
    (result,) = decide_ballots(
        ruleset, ranking, meeting(Ballot("bang-khen", 7, (("so-xay-dung", 4), ("so-nong-nghiep", 3))))
    )
    assert result.needed == Decimal("3.5")
    assert result.carried == ("so-xay-dung",)
    # exactly half is not more than half ...
    (result,) = decide_ballots(ruleset, ranking, meeting(Ballot("bang-khen", 8, (("so-xay-dung", 4),))))
    assert result.carried == ()
    # ... unless the award says reaching the share is enough
    inclusive = with_award(ruleset, "bang-khen", ballot_inclusive=True)
    (result,) = decide_ballots(inclusive, ranking, meeting(Ballot("bang-khen", 8, (("so-xay-dung", 4),))))
    assert result.carried == ("so-xay-dung",)


def test_ballot_share_is_the_awards(workspace: Path) -> None:
    ruleset, ranking = reviewed(workspace)
    two_thirds = with_award(ruleset, "bang-khen", ballot_share=Decimal("0.67"))
    votes = (("so-xay-dung", 5), ("so-nong-nghiep", 4))
    (result,) = decide_ballots(two_thirds, ranking, meeting(Ballot("bang-khen", 6, votes)))
    assert result.needed == Decimal("4.02")
    assert result.carried == ("so-xay-dung",)


def test_votes_for_a_unit_that_was_not_proposed_decide_nothing(workspace: Path) -> None:
    ruleset, ranking = reviewed(workspace)
    # so-tai-nguyen-moi-truong is eligible (88.5 %) but ranked 4th, below the quota of 2, and not tied
    votes = (("so-tai-nguyen-moi-truong", 7), ("so-xay-dung", 7))
    (result,) = decide_ballots(ruleset, ranking, meeting(Ballot("bang-khen", 7, votes)))
    assert result.candidates == ("so-xay-dung", "so-nong-nghiep")
    assert result.carried == ("so-xay-dung",)


def test_a_tie_for_the_last_place_is_decided_by_the_votes_within_the_quota(workspace: Path) -> None:
    ruleset, ranking = reviewed(workspace)
    one_place = with_award(ruleset, "bang-khen", quota=1)
    # make 2nd and 3rd equal: the engine proposes so-xay-dung (id order) and passes over so-nong-nghiep
    units = tuple(
        dataclasses.replace(u, rank=2, tied=True) if u.card.department in ("so-xay-dung", "so-nong-nghiep") else u
        for u in ranking.units
    )
    checks = tuple(
        AwardCheck("bang-khen", d, Decimal("0.9"), Decimal("0.8"), (), granted, None, not granted)
        for d, granted in (("so-xay-dung", True), ("so-nong-nghiep", False))
    )
    tied = Ranking(ranking.year, units, ranking.missing, checks)
    votes = (("so-xay-dung", 4), ("so-nong-nghiep", 6))
    (result,) = decide_ballots(one_place, tied, meeting(Ballot("bang-khen", 7, votes)))
    assert result.candidates == ("so-xay-dung", "so-nong-nghiep")
    assert result.carried == ("so-nong-nghiep",)  # both reach 3.5; the quota of 1 goes to the most votes


def test_each_award_in_the_rulesets_order_and_a_unit_carried_once(workspace: Path) -> None:
    ruleset, ranking = reviewed(workspace)
    ballots = (
        Ballot("bang-khen", 7, (("so-xay-dung", 5), ("so-nong-nghiep", 5))),
        Ballot("co-thi-dua", 7, (("so-tai-chinh", 2),)),
    )
    results = decide_ballots(ruleset, ranking, meeting(*ballots))
    assert [r.ballot.award for r in results] == ["co-thi-dua", "bang-khen"]
    assert carried_awards(results) == {"so-xay-dung": "bang-khen", "so-nong-nghiep": "bang-khen"}


def test_score_json_shows_carried_beside_proposed(run: Callable[..., Any], workspace: Path) -> None:
    write_meeting(workspace, MEETING)
    result = run("score", "2017", "--format", "json", root=workspace)
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    rows = {u["department"]: u for u in record["ranking"]}
    assert (rows["so-tai-chinh"]["award"], rows["so-tai-chinh"]["carried"]) == ("co-thi-dua", "co-thi-dua")
    assert (rows["so-nong-nghiep"]["award"], rows["so-nong-nghiep"]["carried"]) == ("bang-khen", None)
    assert list(rows["so-xay-dung"]).index("carried") == list(rows["so-xay-dung"]).index("award") + 1
    assert record["ballots"] == [
        {"award": "co-thi-dua", "voters": 7, "votes": {"so-tai-chinh": 6}, "carried": ["so-tai-chinh"]},
        {
            "award": "bang-khen",
            "voters": 7,
            "votes": {"so-xay-dung": 4, "so-nong-nghiep": 3, "so-tai-nguyen-moi-truong": 7},
            "carried": ["so-xay-dung"],
        },
    ]


@pytest.mark.parametrize("fmt", ["json", "table", "csv", "markdown"])
def test_without_ballots_nothing_changes(run: Callable[..., Any], workspace: Path, fmt: str) -> None:
    before = run("score", "2017", "--format", fmt, root=workspace)
    assert "carried" not in before.stdout
    write_meeting(workspace, MEETING.split("ballots:")[0])  # a meeting that did not vote
    after = run("score", "2017", "--format", fmt, root=workspace)
    assert after.exit_code == 0, after.stderr
    assert after.stdout == before.stdout


def test_self_declared_ranking_shows_no_ballots(run: Callable[..., Any], workspace: Path) -> None:
    write_meeting(workspace, MEETING)
    record = json.loads(run("score", "2017", "--format", "json", "--self", root=workspace).stdout)
    assert "ballots" not in record
    assert all("carried" not in u for u in record["ranking"])


def test_validate_reads_meetings_and_a_broken_one_stops_score(run: Callable[..., Any], workspace: Path) -> None:
    write_meeting(workspace, MEETING.replace("so-tai-chinh: 6", "so-tai-chinh: 9"))
    result = run("validate", "--format", "json", root=workspace)
    found = json.loads(result.stdout)
    assert [p["code"] for p in found] == ["E604"]
    assert Path(found[0]["file"]).as_posix().endswith("meetings/2017.yaml")
    assert result.exit_code == 1
    scored = run("score", "2017", root=workspace)
    assert scored.exit_code == 1
    assert "E604" in scored.stderr
