"""The bloc's year-end meeting: who met, where, and the secret ballots (SPEC section 8).

An optional `meetings/<year>.yaml` records the meeting that approves the
reviewed table: its date and place, chair and secretary, the attendees, and
for each award put to the vote the number of voters and the votes each unit
received. This module owns the file's model and checks, and the pure decision
`decide_ballots(ruleset, ranking, meeting)`: which proposals the ballots
carried. The minutes (render/docx, render/html) and the JSON record only show it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pydantic import Field

from .engine import Ranking
from .fields import Id, Model, NonNegativeWhole, OptionalText, PositiveWhole, Text, did_you_mean
from .i18n import _
from .problems import Problem, error, warning
from .ruleset import Ruleset, year_named
from .validation import validate
from .yamlio import DEFAULT_MAX_BYTES, Document, PathKey, load_file

_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")


class AttendeeEntry(Model):
    department: Id
    person: Text
    title: OptionalText = None


class BallotEntry(Model):
    award: Id
    voters: PositiveWhole
    # keys are department ids, checked against the ruleset below (with did-you-mean on a name)
    votes: dict[str, NonNegativeWhole] = Field(default_factory=dict)


class MeetingFile(Model):
    date: Text
    place: OptionalText = None
    chair: OptionalText = None
    secretary: OptionalText = None
    note: OptionalText = None
    attendees: list[AttendeeEntry] = Field(default_factory=list)
    ballots: list[BallotEntry] = Field(default_factory=list)


@dataclass(frozen=True)
class Attendee:
    department: str
    person: str
    title: str | None


@dataclass(frozen=True)
class Ballot:
    """One award put to the secret ballot: how many voted, and each unit's votes."""

    award: str
    voters: int
    votes: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Meeting:
    year: int
    date: str  # YYYY-MM-DD
    place: str | None
    chair: str | None
    secretary: str | None
    attendees: tuple[Attendee, ...]
    ballots: tuple[Ballot, ...]
    file: str = ""
    sha256: str = ""

    @property
    def day_month_year(self) -> tuple[int, int, int]:
        found = _DATE.match(self.date)
        assert found is not None  # checked when the file was read
        return int(found.group(3)), int(found.group(2)), int(found.group(1))


@dataclass
class LoadedMeeting:
    meeting: Meeting | None
    problems: list[Problem]


def load_meeting(
    path: Path,
    ruleset_for: Callable[[int], Ruleset | None],
    display: str | None = None,
    submitted_for: Callable[[int], set[str] | None] = lambda _: None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> LoadedMeeting:
    """Read and check `meetings/<year>.yaml` against the ruleset of its year (and the units that submitted)."""
    loaded = load_file(path, display, max_bytes)
    if loaded.document is None:
        return LoadedMeeting(None, loaded.problems)
    meeting, problems = parse_meeting(loaded.document, path, ruleset_for, submitted_for)
    return LoadedMeeting(meeting, loaded.problems + problems)


def parse_meeting(
    document: Document,
    path: Path,
    ruleset_for: Callable[[int], Ruleset | None],
    submitted_for: Callable[[int], set[str] | None],
) -> tuple[Meeting | None, list[Problem]]:
    top, problems = validate(MeetingFile, document.data, document)
    if top is None:
        return None, problems

    def report(at: PathKey, code: str, message: str, key: bool = False) -> None:
        pos = document.key_at(at) if key else document.at(at)
        problems.append(error(document.file, pos.line, pos.column, code, message))

    # the file has no `year`: its name is the year, as for rules/ and reviews/
    year = year_named(path.stem)
    if year is None:
        report(
            (),
            "E601",
            _("a meeting file is named for the year it scores (meetings/2017.yaml), not {name}").format(name=path.name),
        )
        return None, problems
    ruleset = ruleset_for(year)
    if ruleset is None:
        report(
            (),
            "E406",
            _(
                "there is no valid ruleset for {year}"
                " (rules/{year}.yaml is missing or has problems: run `emulate check-rules`)"
            ).format(year=year),
        )
        return None, problems
    if not _DATE.match(top.date):
        report(
            ("date",),
            "E204",
            _("'date' must be written YYYY-MM-DD (e.g. 2017-12-28), got '{got}'").format(got=top.date),
        )
    departments = [d.id for d in ruleset.departments]

    def unknown_department(at: PathKey, department: str, key: bool = False) -> None:
        report(
            at,
            "E401",
            _("department '{department}' is not a member of {ruleset} in {year}{hint}").format(
                department=department, ruleset=ruleset.ruleset, year=year, hint=did_you_mean(department, departments)
            ),
            key,
        )

    for i, attendee in enumerate(top.attendees):
        if attendee.department not in departments:
            unknown_department(("attendees", i, "department"), attendee.department)
    submitted = submitted_for(year)
    awards = [a.id for a in ruleset.awards]
    first_line: dict[str, int] = {}
    ballots = []
    for i, entry in enumerate(top.ballots):
        at: PathKey = ("ballots", i)
        if entry.award not in awards:
            report(
                (*at, "award"),
                "E602",
                _("award '{award}' is not an award of {ruleset} in {year}{hint}; the awards are {known}").format(
                    award=entry.award,
                    ruleset=ruleset.ruleset,
                    year=year,
                    hint=did_you_mean(entry.award, awards),
                    known=", ".join(awards) or _("none"),
                ),
            )
        elif entry.award in first_line:
            report(
                (*at, "award"),
                "E603",
                _(
                    "award '{award}' is put to the ballot twice (first at line {line}): keep one ballot per award"
                ).format(award=entry.award, line=first_line[entry.award]),
            )
        else:
            first_line[entry.award] = document.at((*at, "award")).line
        for department, count in entry.votes.items():
            where: PathKey = (*at, "votes", department)
            if department not in departments:
                unknown_department(where, department, key=True)
            elif submitted is not None and department not in submitted:
                pos = document.key_at(where)
                problems.append(
                    warning(
                        document.file,
                        pos.line,
                        pos.column,
                        "W601",
                        _(
                            "'{department}' has no submission for {year}: it is not ranked, so it cannot be proposed"
                        ).format(department=department, year=year),
                    )
                )
            if count > entry.voters:
                report(
                    where,
                    "E604",
                    _(
                        "{count} votes for '{department}', but only {voters} voted:"
                        " a unit has at most one vote per voter"
                    ).format(count=count, department=department, voters=entry.voters),
                )
        ballots.append(Ballot(entry.award, entry.voters, tuple(entry.votes.items())))
    if any(p.is_error for p in problems):
        return None, problems
    attendees = tuple(Attendee(a.department, a.person, a.title) for a in top.attendees)
    meeting = Meeting(
        year, top.date, top.place, top.chair, top.secretary, attendees, tuple(ballots), document.file, document.sha256
    )
    return meeting, problems


# --- the decision ------------------------------------------------------------------------


@dataclass(frozen=True)
class BallotResult:
    """One ballot, decided: the votes a proposal needs, and the proposals carried."""

    ballot: Ballot
    award_title: str
    needed: Decimal  # ballot_share x voters
    inclusive: bool  # reaching `needed` is enough (else more than it is needed)
    candidates: tuple[str, ...]  # the units the ranking proposed (or left tied for the last places)
    carried: tuple[str, ...]

    def reaches(self, count: int) -> bool:
        return count >= self.needed if self.inclusive else count > self.needed


def decide_ballots(ruleset: Ruleset, ranking: Ranking, meeting: Meeting) -> tuple[BallotResult, ...]:
    """Which proposals the meeting's ballots carried, award by award in the ruleset's order.

    A ballot decides between the units the ranking proposes for the award and
    those of equal rank passed over for want of places (the regulation leaves
    such a tie to the ballot). A candidate is carried when its votes reach the
    award's `ballot_share` of the voters (more than it, unless `ballot_inclusive`);
    at most `quota` are carried, the most votes first, then the better rank.
    A unit carried for an earlier award is not carried again. Votes for a unit
    that is not a candidate decide nothing.
    """
    position = {u.card.department: i for i, u in enumerate(ranking.units)}
    ties = ranking.quota_ties()
    by_award = {b.award: b for b in meeting.ballots}
    carried_before: set[str] = set()
    results = []
    for award in ruleset.awards:
        ballot = by_award.get(award.id)
        if ballot is None:
            continue
        proposed = [a.department for a in ranking.awards if a.award_id == award.id and a.proposed]
        proposed += [d for t in ties if t.award_id == award.id for d in t.passed_over]
        candidates = tuple(sorted(set(proposed), key=lambda d: position.get(d, len(position))))
        needed = award.ballot_share * ballot.voters
        votes = dict(ballot.votes)
        result = BallotResult(ballot, award.title, needed, award.ballot_inclusive, candidates, ())
        passing = [d for d in candidates if d not in carried_before and result.reaches(votes.get(d, 0))]
        passing.sort(key=lambda d: (-votes.get(d, 0), position[d]))
        carried = tuple(sorted(passing[: award.quota], key=lambda d: position[d]))
        carried_before.update(carried)
        results.append(BallotResult(ballot, award.title, needed, award.ballot_inclusive, candidates, carried))
    return tuple(results)


def carried_awards(results: Sequence[BallotResult]) -> dict[str, str]:
    """department -> the award its ballot carried."""
    return {department: r.ballot.award for r in results for department in r.carried}
