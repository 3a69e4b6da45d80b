"""Assessment files: values scored by others than the unit itself (SPEC 7.7).

A criterion with `scored_by` is not in the units' submissions; its values come
from `assessments/<year>/<scorer-id>.yaml`, one file per scorer (a body, a
department, or each member when the criterion is scored by its peers):

    scorer: so-noi-vu
    year: 2024
    scores:
      cai-cach-hanh-chinh:        # criterion id -> unit id -> a value of the criterion's kind
        tp-phu-ly: {rating: tot}

This module reads one file (the same positioned YAML reader and size limits as
every input) and checks it against the year's ruleset with the kinds' own
value models and checks (one validator); `check_coverage` finds, across the
year's files, the units nobody scored and the peers' missing scores; the pure
`merge` combines the files into each unit's values (mean, median or trimmed
mean of the peers' scores, rounded as points).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator

from .arithmetic import ZERO, round_points
from .fields import Id, Model, NonNegativeWhole, OptionalText, did_you_mean, to_mapping
from .i18n import _
from .kinds import VALUE_MODELS, Value
from .problems import Problem, clip, error, warning
from .ruleset import Criterion, Ruleset, year_named
from .submission import Submission, check_value
from .validation import validate
from .yamlio import DEFAULT_MAX_BYTES, Document, PathKey, load_file

RulesetFor = Callable[[int], "Ruleset | None"]


class AssessmentFile(Model):
    """The top level of an assessment file; each value is checked by its criterion's kind."""

    scorer: Id
    year: NonNegativeWhole
    scores: Annotated[dict[str, Annotated[dict[str, Any], BeforeValidator(to_mapping)]], BeforeValidator(to_mapping)]
    note: OptionalText = None


@dataclass(frozen=True)
class Assessment:
    """One scorer's valid values for one year: criterion id -> unit id -> value."""

    scorer: str
    year: int
    scores: Mapping[str, Mapping[str, Value]]
    file: str = ""
    sha256: str = ""
    #: where each criterion's key stands (line, column), and `scores:` itself under ""
    places: Mapping[str, tuple[int, int]] = field(default_factory=dict)

    def at(self, criterion_id: str) -> tuple[int, int]:
        return self.places.get(criterion_id) or self.places.get("", (1, 1))


@dataclass
class LoadedAssessment:
    assessment: Assessment | None
    problems: list[Problem]
    year: int | None = None


@dataclass(frozen=True)
class Merged:
    """A unit's value of one criterion scored by others, and how it was reached."""

    criterion: str
    department: str
    value: Value
    scorers: tuple[str, ...]  # who scored it, in the ruleset's order
    scores: tuple[tuple[str, Decimal], ...]  # (scorer, points given) per scorer
    dropped: tuple[str, ...] = ()  # trimmed_mean: the scorers of the highest and the lowest score
    combine: str | None = None  # peers only: mean | median | trimmed_mean
    files: tuple[tuple[str, str], ...] = ()  # (scorer, sha256 of its assessment file) per scorer


def load_assessment(
    path: Path, ruleset_for: RulesetFor, display: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> LoadedAssessment:
    """Read and check one assessment file against the ruleset of its own year."""
    loaded = load_file(path, display, max_bytes)
    if loaded.document is None:
        return LoadedAssessment(None, loaded.problems)
    result = parse_assessment(loaded.document, ruleset_for, path)
    result.problems[:0] = loaded.problems
    return result


def parse_assessment(document: Document, ruleset_for: RulesetFor, path: Path | None = None) -> LoadedAssessment:
    top, problems = validate(AssessmentFile, document.data, document)
    if top is None:
        return LoadedAssessment(None, problems)
    ruleset = ruleset_for(top.year)
    if ruleset is None:
        pos = document.at(("year",))
        message = _(
            "there is no valid ruleset for {year} (rules/{year}.yaml is missing or has problems: run"
            " `emulate check-rules`)"
        ).format(year=top.year)
        problems.append(error(document.file, pos.line, pos.column, "E406", message))
        return LoadedAssessment(None, problems, top.year)
    scores, more = check_assessment(top, ruleset, document, path)
    problems += more
    if any(p.is_error for p in problems):
        return LoadedAssessment(None, problems, top.year)
    places = {"": _position(document, ("scores",), key=True)}
    places.update({c: _position(document, ("scores", c), key=True) for c in scores})
    assessment = Assessment(top.scorer, top.year, scores, document.file, document.sha256, places)
    return LoadedAssessment(assessment, problems, top.year)


def _position(document: Document, at: PathKey, key: bool = False) -> tuple[int, int]:
    pos = document.key_at(at) if key else document.at(at)
    return pos.line, pos.column


def check_assessment(
    top: AssessmentFile, ruleset: Ruleset, document: Document, path: Path | None
) -> tuple[dict[str, dict[str, Value]], list[Problem]]:
    """The checks that need the year's ruleset; returns the valid values found."""
    problems: list[Problem] = []

    def report(at: PathKey, code: str, message: str, key: bool = False) -> None:
        line, column = _position(document, at, key)
        problems.append(error(document.file, line, column, code, message))

    if path is not None:
        if path.stem != top.scorer:
            report(
                ("scorer",),
                "E702",
                _(
                    "the file is named {name} but is the assessment of '{scorer}': rename it to {scorer}.yaml,"
                    " or correct `scorer`"
                ).format(name=clip(path.name), scorer=clip(top.scorer)),
            )
        folder = year_named(path.parent.name)
        if folder is not None and folder != top.year:
            report(
                ("year",),
                "E703",
                _(
                    "the file is in the folder {folder}/ but says year {year}: move it to assessments/{year}/,"
                    " or correct `year`"
                ).format(folder=folder, year=top.year),
            )
            return {}, problems  # which year's rules apply is in doubt: check nothing against either

    scorers = ruleset.scorer_ids
    known_scorer = top.scorer in scorers
    if not known_scorer:
        report(
            ("scorer",),
            "E701",
            _(
                "scorer '{scorer}' is no body or department of {ruleset} in {year}{hint}; the scorers are {known}"
            ).format(
                scorer=clip(top.scorer),
                ruleset=ruleset.ruleset,
                year=ruleset.year,
                hint=did_you_mean(top.scorer, scorers),
                known=", ".join(scorers),
            ),
        )
    values: dict[str, dict[str, Value]] = {}
    units = [d.id for d in ruleset.departments]
    for criterion_id, given in top.scores.items():
        at: PathKey = ("scores", criterion_id)
        criterion = ruleset.criterion(criterion_id)
        if criterion is None:
            report(
                at,
                "E704",
                _("criterion '{id}' is not in the {year} ruleset{hint}").format(
                    id=clip(criterion_id), year=ruleset.year, hint=did_you_mean(criterion_id, ruleset.criterion_ids)
                ),
                key=True,
            )
            continue
        if known_scorer and not _may_score(ruleset, criterion, top.scorer):
            report(at, "E705", _not_yours(criterion, top.scorer), key=True)
            continue
        allowed = set(ruleset.scored_units(criterion, top.scorer))
        for unit, raw in given.items():
            where: PathKey = (*at, unit)
            if unit not in units:
                report(
                    where,
                    "E706",
                    _("unit '{unit}' is not a member of {ruleset} in {year}{hint}").format(
                        unit=clip(unit), ruleset=ruleset.ruleset, year=ruleset.year, hint=did_you_mean(unit, units)
                    ),
                    key=True,
                )
                continue
            if not ruleset.applies(criterion, unit):
                report(
                    where,
                    "E409",
                    _("criterion {no} '{id}' does not apply to {department}: remove this score").format(
                        no=criterion.no, id=criterion.id, department=unit
                    ),
                    key=True,
                )
                continue
            if criterion.by_peers and unit == top.scorer:
                report(
                    where,
                    "E707",
                    _("'{unit}' scores itself on criterion '{id}': peers score only the other members").format(
                        unit=unit, id=criterion.id
                    ),
                    key=True,
                )
                continue
            if known_scorer and unit not in allowed:
                report(
                    where,
                    "E705",
                    _(
                        "'{scorer}' may not score '{unit}' on criterion '{id}': peers score only the other members"
                        " of their own group"
                    ).format(scorer=top.scorer, unit=unit, id=criterion.id),
                    key=True,
                )
                continue
            value, found = validate(VALUE_MODELS[criterion.kind], raw, document, where)
            problems += found
            if value is not None and not check_value(criterion, value, where, report):
                values.setdefault(criterion_id, {})[unit] = value
    return values, problems


def _may_score(ruleset: Ruleset, criterion: Criterion, scorer: str) -> bool:
    if criterion.by_peers:
        return ruleset.department(scorer) is not None
    return criterion.scored_by == scorer


def _not_yours(criterion: Criterion, scorer: str) -> str:
    if criterion.scored_by is None:
        return _("criterion '{id}' is scored by each unit in its own submission, not by '{scorer}': remove it").format(
            id=criterion.id, scorer=scorer
        )
    if criterion.by_peers:
        return _("criterion '{id}' is scored by the members (peers), and '{scorer}' is not one: remove it").format(
            id=criterion.id, scorer=scorer
        )
    return _("criterion '{id}' is scored by '{by}', not by '{scorer}': remove it, or move it to {by}.yaml").format(
        id=criterion.id, by=criterion.scored_by, scorer=scorer
    )


def check_coverage(
    ruleset: Ruleset, assessments: Sequence[Assessment], folder: str, ranked: Sequence[str]
) -> list[Problem]:
    """Across a year's files: a ranked unit nobody scored (E708), a peer's missing score (W701)."""
    problems: list[Problem] = []
    by_scorer = {a.scorer: a for a in assessments}
    for _content, criterion in ruleset.criteria():
        if not criterion.by_others:
            continue
        for unit in ranked:
            scorers = ruleset.scorers_of(criterion, unit)
            if not scorers:
                continue
            given = {s for s in scorers if unit in by_scorer.get(s, _NONE).scores.get(criterion.id, {})}
            if not given:
                first = by_scorer.get(scorers[0])
                who = ", ".join(scorers)
                if criterion.by_peers:
                    who = _("the other members of its group") if ruleset.groups else _("the other members")
                file, (line, column) = (first.file, first.at(criterion.id)) if first is not None else (folder, (1, 1))
                problems.append(
                    error(
                        file,
                        line,
                        column,
                        "E708",
                        _(
                            "nobody scored '{unit}' on criterion {no} '{id}': {scorers} must give it a score in"
                            " assessments/{year}/"
                        ).format(unit=unit, no=criterion.no, id=criterion.id, scorers=who, year=ruleset.year),
                    )
                )
                continue
            for scorer in scorers:
                if scorer in given:
                    continue
                mine = by_scorer.get(scorer)
                file, (line, column) = (mine.file, mine.at(criterion.id)) if mine is not None else (folder, (1, 1))
                problems.append(
                    warning(
                        file,
                        line,
                        column,
                        "W701",
                        _("'{scorer}' gave no score to '{unit}' on criterion {no} '{id}'").format(
                            scorer=scorer, unit=unit, no=criterion.no, id=criterion.id
                        ),
                    )
                )
    return problems


_NONE = Assessment("", 0, {})


def merge(ruleset: Ruleset, assessments: Sequence[Assessment]) -> dict[str, dict[str, Merged]]:
    """Each unit's values of the criteria scored by others: unit id -> criterion id -> Merged (pure).

    One scorer: its value. Peers: the `combine` of their points, rounded as points.
    """
    places = ruleset.rounding.places
    by_scorer = {a.scorer: a for a in assessments}
    out: dict[str, dict[str, Merged]] = {}
    for _content, criterion in ruleset.criteria():
        if not criterion.by_others:
            continue
        for department in ruleset.departments:
            unit = department.id
            scorers = ruleset.scorers_of(criterion, unit)
            given = [
                (s, value)
                for s in scorers
                if (value := by_scorer.get(s, _NONE).scores.get(criterion.id, {}).get(unit)) is not None
            ]
            if not given:
                continue
            files = tuple((s, by_scorer[s].sha256) for s, _v in given)
            if not criterion.by_peers:
                # a kind scored against the others' values (relative) has no points of its own here:
                # the engine scores it with the best of the units ranked together (see `published_scores`)
                scores = (
                    ()
                    if criterion.rule.compared
                    else tuple((s, criterion.rule.score(v, places).points) for s, v in given)
                )
                only = Merged(criterion.id, unit, given[0][1], tuple(scorers), scores, files=files)
                out.setdefault(unit, {})[criterion.id] = only
                continue
            raw = tuple((s, getattr(v, "points", ZERO)) for s, v in given)  # peers: kind assessed
            points, dropped = combine(criterion.combining, raw)
            value = VALUE_MODELS[criterion.kind].model_validate({"points": round_points(points, places)})
            out.setdefault(unit, {})[criterion.id] = Merged(
                criterion.id, unit, value, tuple(scorers), raw, dropped, criterion.combining, files
            )
    return out


def published_scores(merged: Merged, points: Decimal) -> tuple[tuple[str, Decimal], ...]:
    """The scores an output shows for a criterion scored by others: each scorer's points; for a
    kind scored against the others' values (`relative`) by one scorer, the points it scored (`points`)."""
    return merged.scores or tuple((scorer, points) for scorer in merged.scorers[:1])


def combine(how: str, scores: Sequence[tuple[str, Decimal]]) -> tuple[Decimal, tuple[str, ...]]:
    """The combined points of (scorer, points) scores, unrounded, and the scorers whose score was dropped.

    trimmed_mean: with at least 3 scores, one highest and one lowest are dropped, then the mean;
    with fewer, the mean. Equal scores keep the ruleset's order of their scorers.
    """
    ordered = sorted(scores, key=lambda s: s[1])  # stable: equal points keep the ruleset's order
    dropped: tuple[str, ...] = ()
    if how == "trimmed_mean" and len(ordered) >= 3:
        dropped = (ordered[-1][0], ordered[0][0])
        ordered = ordered[1:-1]
    values = [p for _s, p in ordered]
    if how == "median":
        middle = len(values) // 2
        if len(values) % 2:
            return values[middle], ()
        return (values[middle - 1] + values[middle]) / 2, ()
    return sum(values, ZERO) / len(values), dropped


def with_assessments(
    ruleset: Ruleset, submissions: Sequence[Submission], assessments: Sequence[Assessment]
) -> tuple[list[Submission], list[str]]:
    """The submissions with the values scored by others, and the units still missing (pure).

    A unit is ranked when it has a submission, or when every criterion that applies to it is
    scored by others (SPEC 7.9): then it gets a submission without a file.
    """
    merged = merge(ruleset, assessments)
    out = []
    present = set()
    for submission in submissions:
        present.add(submission.department)
        mine = merged.get(submission.department, {})
        if mine:
            values = {**submission.criteria, **{c: m.value for c, m in mine.items()}}
            submission = replace(submission, criteria=values, assessed=mine)
        out.append(submission)
    missing = []
    for department in ruleset.departments:
        if department.id in present:
            continue
        mine = merged.get(department.id, {})
        if ruleset.scored_by_others(department.id) and mine:
            out.append(
                Submission(
                    department.id,
                    ruleset.year,
                    {c: m.value for c, m in mine.items()},
                    {d.id: 0 for d in ruleset.deductions},
                    assessed=mine,
                )
            )
        else:
            missing.append(department.id)
    return out, missing
