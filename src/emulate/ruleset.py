"""The ruleset: a year's regulation as data (SPEC section 3.1).

Owns the pydantic models of a ruleset file's structure (contents, criteria,
departments, deductions, awards) with the maxima that follow from the rules
(never typed twice), and the checks that need the whole ruleset (ids,
numbering, sources, references). Each criterion's `rule` is one of the kinds
of `emulate.kinds`, which owns everything about it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field

from .arithmetic import ZERO
from .fields import (
    Id,
    Model,
    NonNegativeWhole,
    Number,
    OptionalPositive,
    OptionalText,
    OptionalWhole,
    Positive,
    PositiveWhole,
    Text,
    did_you_mean,
)
from .i18n import _
from .kinds import Rule
from .problems import Problem, error, warning
from .validation import validate
from .yamlio import DEFAULT_MAX_BYTES, MAX_DECIMALS, Document, PathKey, load_file

# Points are rounded to at most as many places as a number in a file may have decimals.
MAX_PLACES = MAX_DECIMALS
# A criterion number in the regulation's own numbering: 1.2, 3.1.4.
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)*\Z")


_Model = Model  # the review's models take it from here (defined once, in fields)


# --- the regulation's structure -------------------------------------------------------


class Criterion(Model):
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


class Content(Model):
    id: Id
    title: Text
    criteria: list[Criterion] = Field(min_length=1)

    @property
    def max_points(self) -> Decimal:
        return sum((c.max_points for c in self.criteria), ZERO)

    @property
    def max_bonus(self) -> Decimal:
        return sum((c.max_bonus for c in self.criteria), ZERO)


class Department(Model):
    id: Id
    name: Text
    role: Literal["leader", "member"] = "member"


class Deduction(Model):
    id: Id
    title: Text
    per: Positive
    cap: OptionalPositive = None
    source: Text = ""


class Award(Model):
    id: Id
    title: Text
    quota: PositiveWhole
    min_share: Number
    require_zero: list[Id] = Field(default_factory=list)


class Rounding(Model):
    places: NonNegativeWhole = 2
    mode: Literal["half_up"] = "half_up"


class Ruleset(Model):
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
    deductions: list[Deduction] = Field(default_factory=list)
    awards: list[Award] = Field(default_factory=list)
    tie_breakers: list[Text] = Field(default_factory=list)

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

    def report(path: PathKey, code: str, message: str, offset: int | None = None) -> None:
        """A problem at `path` (at character `offset` of its text): a warning for a W code, else an error."""
        pos = document.at(path) if offset is None else document.inside(path, offset)
        problems.append(
            (warning if code.startswith("W") else error)(document.file, pos.line, pos.column, code, message)
        )

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
                    "criterion {no} '{id}' has no source: cite the regulation (`source: ...`), or write"
                    ' `source: "assumed: ..."`'
                ).format(no=criterion.no, id=criterion.id),
            )
        criterion.rule.check((*path, "rule"), report)
    for i, deduction in enumerate(ruleset.deductions):
        if not deduction.source.strip():
            report(
                ("deductions", i, "source"),
                "E303",
                _("deduction '{id}' has no source: cite the regulation (`source: ...`)").format(id=deduction.id),
            )

    counted = {c.id for _, c in ruleset.criteria() if c.rule.counted} | {d.id for d in ruleset.deductions}
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
                        "award '{award}' requires a zero count of '{name}', which is not a counted criterion"
                        " (count_points, count_penalty) or a deduction{hint}"
                    ).format(award=award.id, name=name, hint=did_you_mean(name, counted)),
                )

    content_ids = [c.id for c in ruleset.contents]
    criterion_ids = ruleset.criterion_ids
    for i, breaker in enumerate(ruleset.tie_breakers):
        kind, _colon, target = breaker.partition(":")
        at: PathKey = ("tie_breakers", i)
        if breaker == "fewer_deductions":
            continue
        if kind == "content" and target:
            if target not in content_ids:
                report(
                    at,
                    "E305",
                    _(
                        "tie-breaker '{breaker}' names content '{target}', which does not exist; the contents"
                        " are {contents}"
                    ).format(breaker=breaker, target=target, contents=", ".join(content_ids)),
                )
        elif kind == "criterion" and target:
            if target not in criterion_ids:
                report(
                    at,
                    "E305",
                    _("tie-breaker '{breaker}' names criterion '{target}', which does not exist{hint}").format(
                        breaker=breaker, target=target, hint=did_you_mean(target, criterion_ids)
                    ),
                )
        else:
            report(
                at,
                "E207",
                _("unknown tie-breaker '{breaker}': write 'content:ID', 'criterion:ID' or 'fewer_deductions'").format(
                    breaker=breaker
                ),
            )

    places = ruleset.rounding.places
    for bound, value in _maxima_parameters(ruleset):
        if places <= MAX_PLACES and value != value.quantize(Decimal(1).scaleb(-places)):
            report(
                bound,
                "E205",
                _(
                    "{value} has more decimals than the ruleset rounds points to (rounding.places: {places}): "
                    "a rounded score could then exceed it; write it with at most {places} decimals"
                ).format(value=value, places=places),
            )
    if ruleset.rounding.places > MAX_PLACES:
        report(
            ("rounding", "places"),
            "E205",
            _("'places' must be at most {most}, got {got}").format(most=MAX_PLACES, got=ruleset.rounding.places),
        )
    if file_year is not None and ruleset.year != file_year:
        report(
            ("year",),
            "E306",
            _(
                "the file is named for {file_year} but says year {year}: rename the file to {year}.yaml or"
                " correct the year"
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
                    "the previous year's ruleset ({previous}.yaml) does not exist beside this file: add it or"
                    " remove `previous`"
                ).format(previous=ruleset.previous),
            )
    return problems


def _maxima_parameters(ruleset: Ruleset) -> Iterator[tuple[PathKey, Decimal]]:
    """The parameters that bound a rounded score: they must lie on the rounding grid."""
    for i, content in enumerate(ruleset.contents):
        for j, criterion in enumerate(content.criteria):
            at: PathKey = ("contents", i, "criteria", j, "rule")
            yield from criterion.rule.bounds(at)
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
                        "criterion '{id}' is number {n} of content {content}, so its number should be"
                        " {expected}, not {no} (numbers out of order or one skipped)"
                    ).format(id=criterion.id, n=j + 1, content=content.id, expected=expected, no=no),
                )
            seen.setdefault(no, criterion.id)
