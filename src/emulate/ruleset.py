"""The ruleset: a year's regulation as data (SPEC section 3.1).

Owns the pydantic models of a ruleset file's structure (contents, criteria,
departments, deductions, awards) with the maxima that follow from the rules
(never typed twice), and the checks that need the whole ruleset (ids,
numbering, sources, references). Each criterion's `rule` is one of the kinds
of `emulate.kinds`, which owns everything about it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import ConfigDict, Field, PrivateAttr, StrictBool

from .arithmetic import ZERO
from .expressions import CONDITION_FUNCTIONS, CONDITION_NAMES, ExprError, Expression, check, parse
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
from .kinds import VALUE_MODELS, Rule, Value
from .kinds.base import Report
from .kinds.checklist import ChecklistRule
from .kinds.rating import RatingRule
from .problems import Problem, error, warning
from .validation import validate
from .yamlio import DEFAULT_MAX_BYTES, MAX_DECIMALS, Document, PathKey, load_file

# Points are rounded to at most as many places as a number in a file may have decimals.
MAX_PLACES = MAX_DECIMALS
# A criterion number in the regulation's own numbering: 1.2, 3.1.4.
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)*\Z")


_Model = Model  # the review's models take it from here (defined once, in fields)


# --- the regulation's structure -------------------------------------------------------


#: where a criterion's points go (SPEC 7.3): its content's base points, the bonus, or the deductions
CountsAs = Literal["base", "bonus", "deduction"]

#: `scored_by: peers`: every member scores every other member of its group (SPEC 7.7)
PEERS = "peers"
#: how the peers' scores of a unit are combined into its value
Combine = Literal["mean", "median", "trimmed_mean"]


class Criterion(Model):
    # `except` is a Python keyword: the field is `except_`, read from `except` (and from `except_`, so
    # that a dumped criterion reads back)
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: Id
    no: Text
    title: Text
    source: Text = ""
    rule: Rule
    note: OptionalText = None
    counts_as: CountsAs = "base"
    #: the departments or groups it applies to (SPEC 7.4); None: every unit
    applies_to: list[Id] | None = None
    #: the departments or groups it does not apply to
    except_: list[Id] | None = Field(default=None, alias="except")
    #: `allowed`: a unit may submit `{not_applicable: true, reason: ...}`
    not_applicable: Literal["allowed"] | None = None
    #: who scores it (SPEC 7.7): a body, a department or `peers`; None: the unit itself, in its submission
    scored_by: Id | None = None
    #: only with `peers`: how the peers' scores are combined (default mean)
    combine: Combine | None = None

    @property
    def kind(self) -> str:
        return self.rule.kind

    @property
    def by_others(self) -> bool:
        """Whether its values come from assessment files, not from the units' submissions."""
        return self.scored_by is not None

    @property
    def by_peers(self) -> bool:
        return self.scored_by == PEERS

    @property
    def combining(self) -> str:
        """How several scores of a unit become its value: `combine`, default mean."""
        return self.combine or "mean"

    @property
    def max_points(self) -> Decimal:
        """The rule's maximum (before `counts_as` decides where it counts)."""
        return self.rule.max_points

    @property
    def max_bonus(self) -> Decimal:
        return self.rule.max_bonus

    @property
    def is_base(self) -> bool:
        return self.counts_as == "base"

    @property
    def base_max(self) -> Decimal:
        """What it adds to the maximum of base points."""
        return self.rule.max_points if self.counts_as == "base" else ZERO

    @property
    def bonus_max(self) -> Decimal:
        """What it adds to the maximum bonus: a base rule's bonus, or all of a bonus criterion."""
        if self.counts_as == "base":
            return self.rule.max_bonus
        return self.rule.max_points + self.rule.max_bonus if self.counts_as == "bonus" else ZERO

    @property
    def deduction_max(self) -> Decimal:
        return self.rule.max_points + self.rule.max_bonus if self.counts_as == "deduction" else ZERO

    @property
    def restricted(self) -> bool:
        """Whether it names the units it applies to or leaves out (`applies_to`, `except`): else it applies to all."""
        return self.applies_to is not None or self.except_ is not None

    def applies(self, department: str, group: str | None) -> bool:
        """Whether the criterion applies to a unit (SPEC 7.4), by its id or its group's."""
        names = {department} if group is None else {department, group}
        if self.applies_to is not None and not names & set(self.applies_to):
            return False
        return not (self.except_ is not None and names & set(self.except_))


class Content(Model):
    id: Id
    title: Text
    criteria: list[Criterion] = Field(min_length=1)

    @property
    def max_points(self) -> Decimal:
        return sum((c.base_max for c in self.criteria), ZERO)

    @property
    def max_bonus(self) -> Decimal:
        return sum((c.bonus_max for c in self.criteria), ZERO)

    @property
    def max_deductions(self) -> Decimal:
        return sum((c.deduction_max for c in self.criteria), ZERO)


class Department(Model):
    id: Id
    name: Text
    role: Literal["leader", "member"] = "member"
    group: Id | None = None


class Body(Model):
    """Who scores or reviews without competing (SPEC 7.7), e.g. Sở Nội vụ."""

    id: Id
    name: Text


class Group(Model):
    """Units ranked on their own (SPEC 7.6)."""

    id: Id
    title: Text


class Deduction(Model):
    id: Id
    title: Text
    per: Positive
    cap: OptionalPositive = None
    source: Text = ""


class Conditions(Model):
    """What a class or an award may ask of a unit (SPEC 7.5); every condition given must hold."""

    min_share: Number | None = None  # total >= min_share x the unit's own maximum
    min_points: Number | None = None  # total >= min_points
    min_criterion_share: Number | None = None  # every applicable base criterion >= that share of its maximum
    require_zero: list[Id] = Field(default_factory=list)  # counts (criteria or deductions) that must be 0
    when: OptionalText = None  # an expression (SPEC 7.2) that must hold
    #: `when` parsed once, when the model is made (None: no `when`, or one that does not parse)
    _when: Expression | None = PrivateAttr(default=None)

    def model_post_init(self, context: Any, /) -> None:
        if self.when is not None:
            parsed = parse(self.when)
            self._when = None if isinstance(parsed, ExprError) else parsed

    @property
    def condition(self) -> Expression | None:
        return self._when

    @property
    def has_conditions(self) -> bool:
        return any(
            (
                self.min_share is not None,
                self.min_points is not None,
                self.min_criterion_share is not None,
                self.when is not None,
            )
        ) or bool(self.require_zero)


class Award(Conditions):
    id: Id
    title: Text
    quota: PositiveWhole | None = None  # required for an exclusive award; none for `exclusive: false`
    #: False: proposed to every unit that meets it, beside the ladder of exclusive awards
    exclusive: StrictBool = True
    #: True: the quota is for the whole bloc, not for each group (SPEC 7.6)
    across_groups: StrictBool = False
    # the bloc's secret ballot (SPEC 8): a proposal is carried by more than this share of the voters
    ballot_share: Number = Decimal("0.5")
    ballot_inclusive: StrictBool = False  # true: reaching the share is enough


class Classification(Conditions):
    """One class of a classification (xếp loại), e.g. Hoàn thành xuất sắc nhiệm vụ."""

    id: Id
    title: Text


class Rounding(Model):
    places: NonNegativeWhole = 2
    mode: Literal["half_up"] = "half_up"


class Ruleset(Model):
    ruleset: Id
    year: NonNegativeWhole
    version: Text
    title: Text
    bloc_name: OptionalText = None  # the bloc's name as the minutes write it (Khối thi đua số 3)
    based_on: OptionalText = None
    previous: OptionalWhole = None
    note: OptionalText = None
    rounding: Rounding = Rounding()
    departments: list[Department] = Field(min_length=1)
    contents: list[Content] = Field(min_length=1)
    deductions: list[Deduction] = Field(default_factory=list)
    awards: list[Award] = Field(default_factory=list)
    tie_breakers: list[Text] = Field(default_factory=list)
    #: `none`: a total may be below zero (a ledger of plus and minus points, SPEC 7.3)
    floor: Literal[0, "none"] = 0
    #: rank by total points, or by total / the unit's own maximum (SPEC 7.4)
    compare: Literal["points", "share"] = "points"
    groups: list[Group] = Field(default_factory=list)
    #: who scores or reviews without competing (SPEC 7.7)
    bodies: list[Body] = Field(default_factory=list)
    #: in order: a unit gets the first class whose conditions all hold (SPEC 7.5)
    classification: list[Classification] = Field(default_factory=list)
    rank_by_class: StrictBool = False

    @property
    def max_points(self) -> Decimal:
        return sum((c.max_points for c in self.contents), ZERO)

    @property
    def max_bonus(self) -> Decimal:
        return sum((c.max_bonus for c in self.contents), ZERO)

    @property
    def max_deductions(self) -> Decimal:
        """The most that deduction criteria can take (the deductions list aside)."""
        return sum((c.max_deductions for c in self.contents), ZERO)

    @property
    def scores_alone(self) -> bool:
        """Whether each unit scores without the others' values (no `relative` criterion, SPEC 7.1)."""
        return not any(c.rule.compared for _content, c in self.criteria())

    def group_of(self, department_id: str) -> str | None:
        department = self.department(department_id)
        return department.group if department is not None else None

    def applies(self, criterion: Criterion, department_id: str) -> bool:
        return criterion.applies(department_id, self.group_of(department_id))

    def own_max(self, department_id: str, not_applicable: Iterable[str] = ()) -> Decimal:
        """The unit's maximum: its applicable base criteria's, less those it declared not applicable."""
        left_out = set(not_applicable)
        return sum(
            (c.base_max for _content, c in self.criteria() if c.id not in left_out and self.applies(c, department_id)),
            ZERO,
        )

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

    # Worked out once per ruleset and unit, for checking submissions: a board checks thousands against one ruleset.
    @cached_property
    def criterion_map(self) -> dict[str, Criterion]:
        """Every criterion by id, in order, as `{c.id: c for _, c in self.criteria()}` builds it (not to be changed)."""
        return {c.id: c for _content, c in self.criteria()}

    @cached_property
    def _restricted(self) -> list[Criterion]:
        """The criteria of `criterion_map` with `applies_to` or `except`: every other one applies to every unit."""
        return [c for c in self.criterion_map.values() if c.restricted]

    @cached_property
    def own_value_models(self) -> list[tuple[str, type[Value]]]:
        """(id, the model of its value) of each criterion of `criterion_map` that the units score themselves."""
        return [(i, VALUE_MODELS[c.kind]) for i, c in self.criterion_map.items() if not c.by_others]

    def left_out(self, department_id: str) -> frozenset[str]:
        """The ids in `criterion_map` of the criteria that do not apply to the unit (by `applies`)."""
        return frozenset(c.id for c in self._restricted if not self.applies(c, department_id))

    @cached_property
    def labelled_rules(self) -> dict[str, RatingRule | ChecklistRule]:
        """The rules whose values may be written with labels (a rating, a checklist), by criterion id as
        `criterion` finds them."""
        return {i: c.rule for i, c in self._criteria_by_id.items() if isinstance(c.rule, RatingRule | ChecklistRule)}

    def body(self, body_id: str) -> Body | None:
        return next((b for b in self.bodies if b.id == body_id), None)

    @property
    def scorer_ids(self) -> list[str]:
        """Who may write an assessment file: the bodies and the departments."""
        return [b.id for b in self.bodies] + [d.id for d in self.departments]

    def scorer_name(self, scorer_id: str) -> str:
        found = self.body(scorer_id) or self.department(scorer_id)
        return found.name if found is not None else scorer_id

    def scored_units(self, criterion: Criterion, scorer_id: str) -> list[str]:
        """The units `scorer_id` scores on `criterion` (SPEC 7.7, 7.9): none when it may not score it.

        Peers score every other member of their own group (every other member without groups).
        """
        units = [d.id for d in self.departments if self.applies(criterion, d.id)]
        if criterion.scored_by is None:
            return []
        if not criterion.by_peers:
            return units if criterion.scored_by == scorer_id else []
        me = self.department(scorer_id)
        if me is None:
            return []
        return [u for u in units if u != me.id and self.group_of(u) == me.group]

    def scorers_of(self, criterion: Criterion, unit: str) -> list[str]:
        """Who scores `unit` on `criterion`, in the order of the ruleset."""
        if criterion.scored_by is None or not self.applies(criterion, unit):
            return []
        if not criterion.by_peers:
            return [criterion.scored_by]
        group = self.group_of(unit)
        return [d.id for d in self.departments if d.id != unit and d.group == group]

    def scored_by_others(self, department_id: str) -> bool:
        """Whether every criterion that applies to the unit is scored by others (no submission needed)."""
        return all(c.by_others for _content, c in self.criteria() if self.applies(c, department_id))

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
    return year_named(path.stem)


def year_named(name: str) -> int | None:
    """The year a file or folder name stands for (`2017`), or None: ASCII digits only (`²` is a digit
    to `str.isdigit`, not to `int`)."""
    return int(name) if name.isascii() and name.isdigit() else None


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
        criterion.rule.check_counts_as((*path, "rule"), criterion.counts_as, report)
    for i, deduction in enumerate(ruleset.deductions):
        if not deduction.source.strip():
            report(
                ("deductions", i, "source"),
                "E303",
                _("deduction '{id}' has no source: cite the regulation (`source: ...`)").format(id=deduction.id),
            )

    unique(
        _("group id '{id}' is used twice (first at line {line}); ids must be unique"),
        [(("groups", i, "id"), g.id) for i, g in enumerate(ruleset.groups)],
    )
    unique(
        _("class id '{id}' is used twice (first at line {line}); ids must be unique"),
        [(("classification", i, "id"), c.id) for i, c in enumerate(ruleset.classification)],
    )
    counted = {c.id for _, c in ruleset.criteria() if c.rule.counted} | {d.id for d in ruleset.deductions}
    for i, award in enumerate(ruleset.awards):
        _check_conditions(("awards", i), award, counted, report)
        _check_when(("awards", i), award, ruleset, counted, report)
        if award.exclusive and award.quota is None:
            report(
                ("awards", i),
                "E202",
                _("award '{award}' has no quota: add `quota: N` (how many units it may be proposed to)").format(
                    award=award.id
                ),
            )
        elif not award.exclusive and award.quota is not None:
            report(
                ("awards", i, "quota"),
                "E323",
                _(
                    "award '{award}' is not exclusive, so it is proposed to every unit that meets it and takes no"
                    " quota: remove `quota`, or remove `exclusive: false`"
                ).format(award=award.id),
            )
        if not (0 < award.ballot_share <= 1):
            report(
                ("awards", i, "ballot_share"),
                "E205",
                _("'ballot_share' must be a share of the voters above 0 and at most 1 (0.5 is half), got {got}").format(
                    got=award.ballot_share
                ),
            )
    for i, class_ in enumerate(ruleset.classification):
        _check_conditions(("classification", i), class_, counted, report)
        _check_when(("classification", i), class_, ruleset, counted, report)
    if ruleset.classification and ruleset.classification[-1].has_conditions:
        report(
            ("classification", len(ruleset.classification) - 1),
            "W321",
            _(
                "the last class '{id}' has conditions, so a unit that meets none of the classes gets no class;"
                " end the list with a class without conditions (e.g. 'Không hoàn thành nhiệm vụ')"
            ).format(id=ruleset.classification[-1].id),
        )
    if ruleset.rank_by_class and not ruleset.classification:
        report(
            ("rank_by_class",),
            "E323",
            _("`rank_by_class: true` needs a `classification`: add one, or remove `rank_by_class`"),
        )
    _check_groups(ruleset, report)
    _check_applicability(ruleset, criteria_paths, report)
    unique(
        _("body id '{id}' is used twice (first at line {line}); ids must be unique"),
        [(("bodies", i, "id"), b.id) for i, b in enumerate(ruleset.bodies)],
    )
    _check_scorers(ruleset, criteria_paths, report)

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


def _check_when(at: PathKey, conditions: Conditions, ruleset: Ruleset, counted: set[str], report: Report) -> None:
    """A `when` condition: it parses, and names only what a condition may read (SPEC 7.2)."""
    if conditions.when is None:
        return
    parsed = parse(conditions.when)
    if isinstance(parsed, ExprError):
        report((*at, "when"), parsed.code, parsed.message, offset=parsed.offset)
        return
    is_class = isinstance(conditions, Classification)
    unavailable = {"class": _("a class's own condition cannot ask for the class")} if is_class else None
    functions = {k: v for k, v in CONDITION_FUNCTIONS.items() if not (is_class and k == "class")}
    ids = {
        "points": [c.id for _, c in ruleset.criteria()],
        "count": sorted(counted),
        "content": [c.id for c in ruleset.contents],
    }
    for problem in check(parsed, CONDITION_NAMES, functions, "condition", unavailable=unavailable, ids=ids):
        report((*at, "when"), problem.code, problem.message, offset=problem.offset)


def _check_conditions(at: PathKey, conditions: Conditions, counted: set[str], report: Report) -> None:
    """The conditions of an award or a class: shares between 0 and 1, counts that exist."""
    for key in ("min_share", "min_criterion_share"):
        value = getattr(conditions, key)
        if value is not None and not (0 < value <= 1):
            report(
                (*at, key),
                "E205",
                _("'{key}' must be a share of the maximum above 0 and at most 1 (0.90 is 90 %), got {got}").format(
                    key=key, got=value
                ),
            )
    for j, name in enumerate(conditions.require_zero):
        if name not in counted:
            report(
                (*at, "require_zero", j),
                "E305",
                _(
                    "'{owner}' requires a zero count of '{name}', which is not a counted criterion"
                    " (count_points, count_penalty, tiers of a count) or a deduction{hint}"
                ).format(owner=getattr(conditions, "id", ""), name=name, hint=did_you_mean(name, counted)),
            )


def _check_groups(ruleset: Ruleset, report: Report) -> None:
    """Groups (SPEC 7.6): on every department or on none, each known, each with a member."""
    group_ids = [g.id for g in ruleset.groups]
    grouped = [d for d in ruleset.departments if d.group is not None]
    for i, department in enumerate(ruleset.departments):
        if department.group is None and (grouped or ruleset.groups):
            report(
                ("departments", i),
                "E321",
                _(
                    "department '{id}' has no group, but the ruleset ranks groups separately: add `group: ID`"
                    " (the groups are {groups})"
                ).format(id=department.id, groups=", ".join(group_ids) or _("not listed: add `groups:`")),
            )
        elif department.group is not None and department.group not in group_ids:
            report(
                ("departments", i, "group"),
                "E321",
                _("department '{id}' is in group '{group}', which `groups` does not list{hint}").format(
                    id=department.id, group=department.group, hint=did_you_mean(department.group, group_ids)
                ),
            )
    members = {d.group for d in grouped}
    for i, group in enumerate(ruleset.groups):
        if group.id not in members:
            report(
                ("groups", i),
                "E321",
                _("group '{id}' has no member: put departments in it (`group: {id}`) or remove it").format(id=group.id),
            )


def _check_scorers(ruleset: Ruleset, criteria_paths: Sequence[tuple[PathKey, Criterion]], report: Report) -> None:
    """Bodies and `scored_by` (SPEC 7.7): a known scorer, `peers` only on `assessed`, `combine` only with peers."""
    taken = {d.id for d in ruleset.departments} | {g.id for g in ruleset.groups} | {PEERS}
    for i, body in enumerate(ruleset.bodies):
        if body.id in taken:
            report(
                ("bodies", i, "id"),
                "E343",
                _(
                    "body id '{id}' is also a department or group id (or `peers`): a scorer must be named by one"
                    " id only; rename the body"
                ).format(id=body.id),
            )
    scorers = [*ruleset.scorer_ids, PEERS]
    for path, criterion in criteria_paths:
        if criterion.scored_by is not None and criterion.scored_by not in scorers:
            report(
                (*path, "scored_by"),
                "E340",
                _(
                    "criterion '{id}' is scored by '{name}', which is no body or department{hint}; write a body"
                    " id (`bodies:`), a department id, or `peers`"
                ).format(id=criterion.id, name=criterion.scored_by, hint=did_you_mean(criterion.scored_by, scorers)),
            )
        if criterion.by_peers and criterion.kind != "assessed":
            report(
                (*path, "scored_by"),
                "E341",
                _(
                    "criterion '{id}' is of kind {kind}, but only an `assessed` criterion may be scored by peers:"
                    " make it `kind: assessed`, or name one scorer"
                ).format(id=criterion.id, kind=criterion.kind),
            )
        if criterion.by_peers:
            alone = [
                d.id
                for d in ruleset.departments
                if ruleset.applies(criterion, d.id) and not ruleset.scorers_of(criterion, d.id)
            ]
            if alone:
                report(
                    (*path, "scored_by"),
                    "E344",
                    _(
                        "criterion '{id}' is scored by the peers, but {units} has no other member{where} to score it:"
                        " leave it out with `except: [{first}]`, or name one scorer"
                    ).format(
                        id=criterion.id,
                        units=", ".join(f"'{u}'" for u in alone),
                        where=_(" in its group") if ruleset.groups else "",
                        first=alone[0],
                    ),
                )
        if criterion.combine is not None and not criterion.by_peers:
            report(
                (*path, "combine"),
                "E342",
                _(
                    "criterion '{id}' has `combine`, which only peers' scores need: remove it, or write"
                    " `scored_by: peers`"
                ).format(id=criterion.id),
            )


def _check_applicability(ruleset: Ruleset, criteria_paths: Sequence[tuple[PathKey, Criterion]], report: Report) -> None:
    """`applies_to` and `except` name known units or groups; own maxima that differ, or can be 0."""
    known = [d.id for d in ruleset.departments] + [g.id for g in ruleset.groups]
    varies: PathKey | None = None  # the first criterion that gives units different maxima
    for path, criterion in criteria_paths:
        if criterion.applies_to is not None and criterion.except_ is not None:
            report(
                (*path, "except"),
                "E320",
                _("criterion '{id}' has both `applies_to` and `except`: keep one").format(id=criterion.id),
            )
        for key, names in (("applies_to", criterion.applies_to), ("except", criterion.except_)):
            for j, name in enumerate(names or ()):
                if name not in known:
                    report(
                        (*path, key, j),
                        "E320",
                        _("'{key}' of criterion '{id}' names '{name}', which is no department or group{hint}").format(
                            key=key, id=criterion.id, name=name, hint=did_you_mean(name, known)
                        ),
                    )
        if (
            varies is None
            and criterion.is_base
            and criterion.max_points
            and (
                criterion.not_applicable == "allowed"
                or (criterion.restricted and not all(ruleset.applies(criterion, d.id) for d in ruleset.departments))
            )
        ):
            varies = (*path, "id")
    if ruleset.compare == "points" and varies is not None:
        report(
            varies,
            "W320",
            _(
                "some criteria do not apply to every unit, so units have different maxima, but units are ranked"
                " by points: add `compare: share` to rank by the share of each unit's own maximum"
            ),
        )
    if ruleset.compare == "share":
        for i, department in enumerate(ruleset.departments):
            if not ruleset.own_max(department.id):
                report(
                    ("departments", i),
                    "E322",
                    _(
                        "no base criterion with points applies to '{id}', so its share of its own maximum is"
                        " undefined and `compare: share` cannot rank it"
                    ).format(id=department.id),
                )


def _maxima_parameters(ruleset: Ruleset) -> Iterator[tuple[PathKey, Decimal]]:
    """The parameters that bound a rounded score: they must lie on the rounding grid."""
    for i, content in enumerate(ruleset.contents):
        for j, criterion in enumerate(content.criteria):
            at: PathKey = ("contents", i, "criteria", j, "rule")
            yield from criterion.rule.bounds(at)
    for i, deduction in enumerate(ruleset.deductions):
        if deduction.cap is not None:
            yield ("deductions", i, "cap"), deduction.cap


def _check_numbering(ruleset: Ruleset, report: Report) -> None:
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
