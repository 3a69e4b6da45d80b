"""The ruleset: a year's regulation as data (SPEC section 3.1).

Owns the pydantic models of a ruleset file, the seven rule kinds with the
maxima that follow from their parameters (never typed twice), and the checks
that need the whole ruleset (ids, numbering, sources, references).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from .fields import (
    Id,
    NonNegative,
    NonNegativeWhole,
    Number,
    Positive,
    PositiveWhole,
    Text,
    did_you_mean,
    positive,
    to_number,
    to_text,
    to_whole,
)
from .i18n import _
from .problems import Problem, error
from .validation import validate
from .yamlio import DEFAULT_MAX_BYTES, Document, PathKey, load_file

ZERO = Decimal(0)
# A criterion number in the regulation's own numbering: 1.2, 3.1.4.
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)*\Z")


def _optional(check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else check(value)


OptionalText = Annotated[str | None, BeforeValidator(_optional(to_text))]
OptionalPositive = Annotated[Decimal | None, BeforeValidator(_optional(lambda v: positive(to_number(v))))]
OptionalWhole = Annotated[int | None, BeforeValidator(_optional(to_whole))]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- the seven rule kinds -------------------------------------------------------------


class _Rule(_Model):
    @property
    def max_points(self) -> Decimal:
        raise NotImplementedError

    @property
    def max_bonus(self) -> Decimal:
        return ZERO


class TargetsRule(_Rule):
    """Registered quantitative targets, each worth `points_each` at 100 %, with a bonus beyond."""

    kind: Literal["targets"]
    count: PositiveWhole
    points_each: Positive
    bonus_per_percent: NonNegative = ZERO
    bonus_cap_each: NonNegative = ZERO

    @property
    def max_points(self) -> Decimal:
        return self.count * self.points_each

    @property
    def max_bonus(self) -> Decimal:
        return self.count * self.bonus_cap_each if self.bonus_per_percent > 0 else ZERO


class RatingBonus(_Model):
    at_least: Id
    points: Positive


class RatingRule(_Rule):
    """A rating on a scale of labels, best first, with an optional bonus from a label up."""

    kind: Literal["rating"]
    scale: dict[str, NonNegative] = Field(min_length=1)
    bonus: RatingBonus | None = None

    @property
    def max_points(self) -> Decimal:
        return max(self.scale.values())

    @property
    def max_bonus(self) -> Decimal:
        return self.bonus.points if self.bonus is not None else ZERO

    def earns_bonus(self, label: str) -> bool:
        if self.bonus is None or self.bonus.at_least not in self.scale:
            return False
        labels = list(self.scale)
        return labels.index(label) <= labels.index(self.bonus.at_least)


class PercentRule(_Rule):
    """A completion rate: `max` points at 100 %."""

    kind: Literal["percent"]
    max: Positive

    @property
    def max_points(self) -> Decimal:
        return self.max


class ChecklistItem(_Model):
    title: Text
    points: Positive
    if_not_applicable: Literal["full", "forbidden"] = "forbidden"


class ChecklistRule(_Rule):
    """Items achieved or not, each worth its points."""

    kind: Literal["checklist"]
    items: dict[str, ChecklistItem] = Field(min_length=1)

    @property
    def max_points(self) -> Decimal:
        return sum((item.points for item in self.items.values()), ZERO)


class CountPointsRule(_Rule):
    """`per` points for each occurrence, at most `cap`."""

    kind: Literal["count_points"]
    per: Positive
    cap: Positive

    @property
    def max_points(self) -> Decimal:
        return self.cap


class CountPenaltyRule(_Rule):
    """`max` points, less `per` for each occurrence, never below 0."""

    kind: Literal["count_penalty"]
    max: Positive
    per: Positive

    @property
    def max_points(self) -> Decimal:
        return self.max


class AssessedRule(_Rule):
    """Points from 0 to `max`, assessed by the unit and cross-checked by the bloc."""

    kind: Literal["assessed"]
    max: Positive

    @property
    def max_points(self) -> Decimal:
        return self.max


Rule = Annotated[
    TargetsRule | RatingRule | PercentRule | ChecklistRule | CountPointsRule | CountPenaltyRule | AssessedRule,
    Field(discriminator="kind"),
]
COUNT_KINDS = ("count_points", "count_penalty")


# --- the regulation's structure -------------------------------------------------------


class Criterion(_Model):
    id: Id
    no: Text
    title: Text
    source: Text = ""
    rule: Rule
    note: OptionalText = None

    @property
    def kind(self) -> str:
        return self.rule.kind

    @property
    def max_points(self) -> Decimal:
        return self.rule.max_points

    @property
    def max_bonus(self) -> Decimal:
        return self.rule.max_bonus


class Content(_Model):
    id: Id
    title: Text
    criteria: list[Criterion] = Field(min_length=1)

    @property
    def max_points(self) -> Decimal:
        return sum((c.max_points for c in self.criteria), ZERO)

    @property
    def max_bonus(self) -> Decimal:
        return sum((c.max_bonus for c in self.criteria), ZERO)


class Department(_Model):
    id: Id
    name: Text
    role: Literal["leader", "member"] = "member"


class Deduction(_Model):
    id: Id
    title: Text
    per: Positive
    cap: OptionalPositive = None
    source: Text = ""


class Award(_Model):
    id: Id
    title: Text
    quota: PositiveWhole
    min_share: Number
    require_zero: list[Id] = []


class Rounding(_Model):
    places: NonNegativeWhole = 2
    mode: Literal["half_up"] = "half_up"


class Ruleset(_Model):
    ruleset: Id
    year: NonNegativeWhole
    version: Text
    title: Text
    based_on: OptionalText = None
    previous: OptionalWhole = None
    note: OptionalText = None
    rounding: Rounding = Rounding()
    departments: list[Department] = Field(min_length=1)
    contents: list[Content] = Field(min_length=1)
    deductions: list[Deduction] = []
    awards: list[Award] = []
    tie_breakers: list[Text] = []

    @property
    def max_points(self) -> Decimal:
        return sum((c.max_points for c in self.contents), ZERO)

    @property
    def max_bonus(self) -> Decimal:
        return sum((c.max_bonus for c in self.contents), ZERO)

    def criteria(self) -> Iterator[tuple[Content, Criterion]]:
        for content in self.contents:
            for criterion in content.criteria:
                yield content, criterion

    def criterion(self, criterion_id: str) -> Criterion | None:
        return self._criteria_by_id.get(criterion_id)

    def department(self, department_id: str) -> Department | None:
        return self._departments_by_id.get(department_id)

    # Lookups by id, built once: a provincial board scores thousands of units against one ruleset.
    @cached_property
    def _criteria_by_id(self) -> dict[str, Criterion]:
        found: dict[str, Criterion] = {}
        for _content, c in self.criteria():
            found.setdefault(c.id, c)
        return found

    @cached_property
    def _departments_by_id(self) -> dict[str, Department]:
        found: dict[str, Department] = {}
        for d in self.departments:
            found.setdefault(d.id, d)
        return found

    def deduction(self, deduction_id: str) -> Deduction | None:
        return next((d for d in self.deductions if d.id == deduction_id), None)

    @property
    def criterion_ids(self) -> list[str]:
        return [c.id for _, c in self.criteria()]


# --- loading and whole-ruleset checks -------------------------------------------------


@dataclass
class LoadedRuleset:
    ruleset: Ruleset | None
    problems: list[Problem]
    document: Document | None = None

    @property
    def sha256(self) -> str:
        return self.document.sha256 if self.document is not None else ""


def load_ruleset(
    path: Path,
    display: str | None = None,
    known_years: set[int] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> LoadedRuleset:
    """Read, validate and check one ruleset file. `known_years` are the years with a ruleset beside it."""
    loaded = load_file(path, display, max_bytes)
    if loaded.document is None:
        return LoadedRuleset(None, loaded.problems)
    document = loaded.document
    ruleset, problems = validate(Ruleset, document.data, document)
    problems = loaded.problems + problems
    if ruleset is not None:
        problems += check_ruleset(ruleset, document, _year_of(path), known_years)
    return LoadedRuleset(ruleset, problems, document)


def _year_of(path: Path) -> int | None:
    return int(path.stem) if path.stem.isdigit() else None


def check_ruleset(
    ruleset: Ruleset, document: Document, file_year: int | None = None, known_years: set[int] | None = None
) -> list[Problem]:
    """Checks that no single value shows: ids, numbering, sources, references, years."""
    problems: list[Problem] = []

    def report(path: PathKey, code: str, message: str) -> None:
        pos = document.at(path)
        problems.append(error(document.file, pos.line, pos.column, code, message))

    def unique(message: str, entries: list[tuple[PathKey, str]]) -> None:
        """`message` names the kind of id, with {id} and {line} to fill in."""
        seen: dict[str, PathKey] = {}
        for path, entry_id in entries:
            if entry_id in seen:
                first = document.at(seen[entry_id])
                report(path, "E301", message.format(id=entry_id, line=first.line))
            else:
                seen[entry_id] = path

    criteria_paths = [
        (("contents", i, "criteria", j), criterion)
        for i, content in enumerate(ruleset.contents)
        for j, criterion in enumerate(content.criteria)
    ]
    unique(
        _("content id '{id}' is used twice (first at line {line}); ids must be unique"),
        [(("contents", i, "id"), c.id) for i, c in enumerate(ruleset.contents)],
    )
    unique(
        _("criterion id '{id}' is used twice (first at line {line}); ids must be unique"),
        [((*path, "id"), c.id) for path, c in criteria_paths],
    )
    unique(
        _("department id '{id}' is used twice (first at line {line}); ids must be unique"),
        [(("departments", i, "id"), d.id) for i, d in enumerate(ruleset.departments)],
    )
    unique(
        _("deduction id '{id}' is used twice (first at line {line}); ids must be unique"),
        [(("deductions", i, "id"), d.id) for i, d in enumerate(ruleset.deductions)],
    )
    unique(
        _("award id '{id}' is used twice (first at line {line}); ids must be unique"),
        [(("awards", i, "id"), a.id) for i, a in enumerate(ruleset.awards)],
    )

    _check_numbering(ruleset, report)

    for path, criterion in criteria_paths:
        if not criterion.source.strip():
            report(
                (*path, "source"),
                "E303",
                _(
                    "criterion {no} '{id}' has no source: cite the regulation (`source: ...`), or write `source: \"assumed: ...\"`"
                ).format(no=criterion.no, id=criterion.id),
            )
        rule = criterion.rule
        if isinstance(rule, RatingRule):
            points = list(rule.scale.items())
            for (better, better_points), (label, label_points) in zip(points, points[1:]):
                if label_points > better_points:
                    report(
                        (*path, "rule", "scale", label),
                        "E304",
                        _(
                            "the scale lists labels best first, but '{label}' ({label_points}) is worth more than '{better}' ({better_points}) before it"
                        ).format(label=label, label_points=label_points, better=better, better_points=better_points),
                    )
            if rule.bonus is not None and rule.bonus.at_least not in rule.scale:
                report(
                    (*path, "rule", "bonus", "at_least"),
                    "E304",
                    _("bonus label '{label}' is not in the scale{hint}; the labels are {labels}").format(
                        label=rule.bonus.at_least,
                        hint=did_you_mean(rule.bonus.at_least, rule.scale),
                        labels=", ".join(rule.scale),
                    ),
                )
        if isinstance(rule, TargetsRule) and rule.bonus_per_percent > 0 and rule.bonus_cap_each == 0:
            report(
                (*path, "rule"),
                "E202",
                _("'bonus_cap_each' is missing: a bonus per percent needs a cap per component (`bonus_cap_each: ...`)"),
            )
    for i, deduction in enumerate(ruleset.deductions):
        if not deduction.source.strip():
            report(
                ("deductions", i, "source"),
                "E303",
                _("deduction '{id}' has no source: cite the regulation (`source: ...`)").format(id=deduction.id),
            )

    counted = {c.id for _, c in ruleset.criteria() if c.kind in COUNT_KINDS} | {d.id for d in ruleset.deductions}
    for i, award in enumerate(ruleset.awards):
        if not (0 < award.min_share <= 1):
            report(
                ("awards", i, "min_share"),
                "E205",
                _("'min_share' must be a share of the maximum above 0 and at most 1 (0.90 is 90 %), got {got}").format(
                    got=award.min_share
                ),
            )
        for j, name in enumerate(award.require_zero):
            if name not in counted:
                report(
                    ("awards", i, "require_zero", j),
                    "E305",
                    _(
                        "award '{award}' requires a zero count of '{name}', which is not a counted criterion (count_points, count_penalty) or a deduction{hint}"
                    ).format(award=award.id, name=name, hint=did_you_mean(name, counted)),
                )

    content_ids = [c.id for c in ruleset.contents]
    criterion_ids = ruleset.criterion_ids
    for i, breaker in enumerate(ruleset.tie_breakers):
        kind, _colon, target = breaker.partition(":")
        path = ("tie_breakers", i)
        if breaker == "fewer_deductions":
            continue
        if kind == "content" and target:
            if target not in content_ids:
                report(
                    path,
                    "E305",
                    _(
                        "tie-breaker '{breaker}' names content '{target}', which does not exist; the contents are {contents}"
                    ).format(breaker=breaker, target=target, contents=", ".join(content_ids)),
                )
        elif kind == "criterion" and target:
            if target not in criterion_ids:
                report(
                    path,
                    "E305",
                    _("tie-breaker '{breaker}' names criterion '{target}', which does not exist{hint}").format(
                        breaker=breaker, target=target, hint=did_you_mean(target, criterion_ids)
                    ),
                )
        else:
            report(
                path,
                "E207",
                _("unknown tie-breaker '{breaker}': write 'content:ID', 'criterion:ID' or 'fewer_deductions'").format(
                    breaker=breaker
                ),
            )

    places = ruleset.rounding.places
    for path, value in _maxima_parameters(ruleset):
        if places <= 10 and value != value.quantize(Decimal(1).scaleb(-places)):
            report(
                path,
                "E205",
                _(
                    "{value} has more decimals than the ruleset rounds points to (rounding.places: {places}): "
                    "a rounded score could then exceed it; write it with at most {places} decimals"
                ).format(value=value, places=places),
            )
    if ruleset.rounding.places > 10:
        report(
            ("rounding", "places"),
            "E205",
            _("'places' must be at most 10, got {got}").format(got=ruleset.rounding.places),
        )
    if file_year is not None and ruleset.year != file_year:
        report(
            ("year",),
            "E306",
            _(
                "the file is named for {file_year} but says year {year}: rename the file to {year}.yaml or correct the year"
            ).format(file_year=file_year, year=ruleset.year),
        )
    if ruleset.previous is not None and (file_year is None or ruleset.year == file_year):  # else the year is in doubt
        if ruleset.previous >= ruleset.year:
            report(
                ("previous",),
                "E307",
                _("'previous' must be an earlier year than {year}, got {got}").format(
                    year=ruleset.year, got=ruleset.previous
                ),
            )
        elif known_years is not None and ruleset.previous not in known_years:
            report(
                ("previous",),
                "E307",
                _(
                    "the previous year's ruleset ({previous}.yaml) does not exist beside this file: add it or remove `previous`"
                ).format(previous=ruleset.previous),
            )
    return problems


def _maxima_parameters(ruleset: Ruleset) -> Iterator[tuple[PathKey, Decimal]]:
    """The parameters that bound a rounded score: they must lie on the rounding grid."""
    for i, content in enumerate(ruleset.contents):
        for j, criterion in enumerate(content.criteria):
            at: PathKey = ("contents", i, "criteria", j, "rule")
            rule = criterion.rule
            if isinstance(rule, TargetsRule):
                yield (*at, "points_each"), rule.points_each
                yield (*at, "bonus_cap_each"), rule.bonus_cap_each
            elif isinstance(rule, RatingRule):
                yield from (((*at, "scale", label), points) for label, points in rule.scale.items())
                if rule.bonus is not None:
                    yield (*at, "bonus", "points"), rule.bonus.points
            elif isinstance(rule, ChecklistRule):
                yield from (((*at, "items", item_id, "points"), item.points) for item_id, item in rule.items.items())
            elif isinstance(rule, CountPointsRule):
                yield (*at, "cap"), rule.cap
            elif isinstance(rule, (PercentRule, CountPenaltyRule, AssessedRule)):
                yield (*at, "max"), rule.max
    for i, deduction in enumerate(ruleset.deductions):
        if deduction.cap is not None:
            yield ("deductions", i, "cap"), deduction.cap


def _check_numbering(ruleset: Ruleset, report: Callable[[PathKey, str, str], None]) -> None:
    seen: dict[str, str] = {}
    content_ids = [c.id for c in ruleset.contents]
    for i, content in enumerate(ruleset.contents):
        # a duplicated content id is reported once (E301); numbers cannot be checked against it
        numbered = content.id.isdigit() and content_ids.count(content.id) == 1
        for j, criterion in enumerate(content.criteria):
            path = ("contents", i, "criteria", j, "no")
            no = criterion.no.strip()
            expected = f"{content.id}.{j + 1}" if numbered else None
            if no in seen:
                report(
                    path,
                    "E302",
                    _("number {no} is used twice (also for '{other}'); each criterion needs its own number").format(
                        no=no, other=seen[no]
                    ),
                )
            elif not _NUMBER.match(no):
                report(
                    path,
                    "E302",
                    _("criterion number must look like '{expected}', got '{no}'").format(
                        expected=expected or "1.2", no=no
                    ),
                )
            elif expected is not None and no != expected:
                report(
                    path,
                    "E302",
                    _(
                        "criterion '{id}' is number {n} of content {content}, so its number should be {expected}, not {no} (numbers out of order or one skipped)"
                    ).format(id=criterion.id, n=j + 1, content=content.id, expected=expected, no=no),
                )
            seen.setdefault(no, criterion.id)
