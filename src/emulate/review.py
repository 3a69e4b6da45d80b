"""The bloc's review: the leader's corrections of self-declared values (SPEC section 5).

Corrections live in `reviews/<year>.yaml`, never in the departments' own
files, so both versions stay on record. This module owns the review file's
model and checks, and the pure function that applies it:
`apply_review(submission, adjustments) -> submission`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from .fields import Id, NonNegativeWhole, OptionalText, Text, did_you_mean, fold, suggest, to_text
from .i18n import _
from .kinds.checklist import ChecklistRule, ChecklistValue
from .problems import Problem, clip, error, warning
from .ruleset import Ruleset, _Model, year_named
from .submission import VALUE_MODELS, CriterionValue, Submission, check_value, unknown_criterion_message
from .validation import validate
from .yamlio import DEFAULT_MAX_BYTES, Document, PathKey, load_file

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def _number_as_text(value: Any) -> str:
    """`criterion: 1.4` (a number to YAML) names the criterion numbered "1.4"."""
    if isinstance(value, Decimal) or (isinstance(value, int) and not isinstance(value, bool)):
        return f"{value:f}" if isinstance(value, Decimal) else str(value)
    return to_text(value)


#: a criterion named by its id or its number ("1.4")
CriterionName = Annotated[str, BeforeValidator(_number_as_text)]


class AdjustmentEntry(_Model):
    department: Text  # an id; a department's name is told its id (parse_review)
    criterion: CriterionName | None = None
    value: Any = None
    deduction: Id | None = None
    count: NonNegativeWhole | None = None
    reason: Text


class ReviewFile(_Model):
    year: NonNegativeWhole
    reviewed_by: Text
    date: OptionalText = None
    note: OptionalText = None
    adjustments: list[AdjustmentEntry] = Field(default_factory=list)


@dataclass(frozen=True)
class Adjustment:
    """One correction: a criterion's value or a deduction's count, for one unit, with its reason."""

    department: str
    reason: str
    criterion: str | None = None
    value: CriterionValue | None = None
    deduction: str | None = None
    count: int | None = None
    line: int = 0
    #: a checklist correction that gives only some items: those items (the others stay as declared)
    partial: frozenset[str] | None = None

    @property
    def target(self) -> str:
        return self.criterion or self.deduction or ""


@dataclass(frozen=True)
class Review:
    year: int
    reviewed_by: str
    date: str | None
    adjustments: tuple[Adjustment, ...]
    file: str = ""
    sha256: str = ""

    def for_department(self, department: str) -> tuple[Adjustment, ...]:
        return tuple(a for a in self.adjustments if a.department == department)


@dataclass
class LoadedReview:
    review: Review | None
    problems: list[Problem]


def apply_review(submission: Submission, adjustments: Sequence[Adjustment]) -> Submission:
    """The submission with the review's values in place of the self-declared ones."""
    if not adjustments:
        return submission
    criteria = dict(submission.criteria)
    deductions = dict(submission.deductions)
    for adjustment in adjustments:
        if adjustment.criterion is not None and adjustment.value is not None:
            declared = criteria.get(adjustment.criterion)
            if (
                adjustment.partial is not None
                and isinstance(declared, ChecklistValue)
                and isinstance(adjustment.value, ChecklistValue)
            ):
                changed = {item: adjustment.value.items[item] for item in adjustment.partial}
                criteria[adjustment.criterion] = declared.model_copy(update={"items": {**declared.items, **changed}})
            else:
                criteria[adjustment.criterion] = adjustment.value
        if adjustment.deduction is not None and adjustment.count is not None:
            deductions[adjustment.deduction] = adjustment.count
    return replace(submission, criteria=criteria, deductions=deductions)


def load_review(
    path: Path,
    ruleset_for: Callable[[int], Ruleset | None],
    display: str | None = None,
    submitted_for: Callable[[int], set[str] | None] = lambda _: None,
    criterion_years: Callable[[str], list[int]] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> LoadedReview:
    """Read and check a review file against the ruleset of its year (and the units that submitted)."""
    loaded = load_file(path, display, max_bytes)
    if loaded.document is None:
        return LoadedReview(None, loaded.problems)
    review, problems = parse_review(
        loaded.document, ruleset_for, path, submitted_for, criterion_years or (lambda _: [])
    )
    return LoadedReview(review, loaded.problems + problems)


def parse_review(
    document: Document,
    ruleset_for: Callable[[int], Ruleset | None],
    path: Path | None,
    submitted_for: Callable[[int], set[str] | None],
    criterion_years: Callable[[str], list[int]],
) -> tuple[Review | None, list[Problem]]:
    top, problems = validate(ReviewFile, document.data, document)
    if top is None:
        return None, problems
    ruleset = ruleset_for(top.year)
    if ruleset is None:
        pos = document.at(("year",))
        problems.append(
            error(
                document.file,
                pos.line,
                pos.column,
                "E406",
                _(
                    "there is no valid ruleset for {year}"
                    " (rules/{year}.yaml is missing or has problems: run `emulate check-rules`)"
                ).format(year=top.year),
            )
        )
        return None, problems
    submitted = submitted_for(top.year)

    def report(at: PathKey, code: str, message: str, key: bool = False) -> None:
        pos = document.key_at(at) if key else document.at(at)
        problems.append(error(document.file, pos.line, pos.column, code, message))

    departments = [d.id for d in ruleset.departments]
    if path is not None and year_named(path.stem) not in (None, top.year):
        report(
            ("year",),
            "E504",
            _("the file is named {name} but says year {year}: rename it to {year}.yaml or correct `year`").format(
                name=clip(path.name), year=top.year
            ),
        )
    if top.reviewed_by not in ruleset.scorer_ids:  # a department or a body (SPEC 7.7)
        report(
            ("reviewed_by",),
            "E401",
            _("'reviewed_by' names '{department}', which is not a member of {ruleset} in {year}{hint}").format(
                department=clip(top.reviewed_by),
                ruleset=ruleset.ruleset,
                year=ruleset.year,
                hint=_department_hint(top.reviewed_by, ruleset, bodies=True),
            ),
        )
    if top.date is not None and not _DATE.match(top.date):
        report(
            ("date",),
            "E204",
            _("'date' must be written YYYY-MM-DD (e.g. 2017-12-28), got '{got}'").format(got=clip(str(top.date))),
        )

    adjustments: list[Adjustment] = []
    seen: dict[tuple[str, str], int] = {}
    for i, entry in enumerate(top.adjustments):
        at: PathKey = ("adjustments", i)
        partial: frozenset[str] | None = None
        before = len(problems)
        if not entry.reason.strip():
            report(
                (*at, "reason"),
                "E502",
                _("the reason is empty: say why the value was corrected (the minutes, a document number)"),
            )
        if entry.department not in departments:
            report(
                (*at, "department"),
                "E401",
                _("department '{department}' is not a member of {ruleset} in {year}{hint}").format(
                    department=clip(entry.department),
                    ruleset=ruleset.ruleset,
                    year=ruleset.year,
                    hint=_department_hint(entry.department, ruleset),
                ),
            )
        elif (
            submitted is not None
            and entry.department not in submitted
            and not ruleset.scored_by_others(entry.department)  # ranked without a file (SPEC 7.9)
        ):
            pos = document.at((*at, "department"))
            problems.append(
                warning(
                    document.file,
                    pos.line,
                    pos.column,
                    "W501",
                    _("'{department}' has no submission for {year}: this adjustment has nothing to correct").format(
                        department=clip(entry.department), year=ruleset.year
                    ),
                )
            )
        corrects_criterion = entry.criterion is not None or entry.value is not None
        corrects_deduction = entry.deduction is not None or entry.count is not None
        if corrects_criterion == corrects_deduction:
            report(
                at,
                "E501",
                _(
                    "an adjustment corrects either a criterion (`criterion:` and `value:`)"
                    " or a deduction (`deduction:` and `count:`), not both and not neither"
                ),
            )
            continue
        value: CriterionValue | None = None
        if corrects_criterion:
            if entry.criterion is None or entry.value is None:
                missing = "criterion" if entry.criterion is None else "value"
                report(
                    at,
                    "E202",
                    _("'{key}' is missing: a criterion's correction needs both `criterion:` and `value:`").format(
                        key=missing
                    ),
                )
                continue
            criterion = ruleset.criterion(entry.criterion) or next(
                (c for _content, c in ruleset.criteria() if c.no == entry.criterion), None
            )
            if criterion is None:
                report((*at, "criterion"), "E405", unknown_criterion_message(entry.criterion, ruleset, criterion_years))
                continue
            raw = _bare_value(criterion.kind, entry.value)
            if raw is None:
                report(
                    (*at, "value"),
                    "E204",
                    _("the value of {no} ({kind}) is written as a mapping, e.g. `value: {example}`").format(
                        no=criterion.no, kind=criterion.kind, example=criterion.rule.example()
                    ),
                )
                continue
            value, found = validate(VALUE_MODELS[criterion.kind], raw, document, (*at, "value"))
            problems += found
            if isinstance(criterion.rule, ChecklistRule) and isinstance(value, ChecklistValue):
                given = frozenset(value.items)
                if given < set(criterion.rule.items):  # only the items it changes: the others stay as declared
                    partial = given
                    value = value.model_copy(
                        update={"items": {**dict.fromkeys(criterion.rule.items, False), **value.items}}
                    )
            if value is not None and check_value(criterion, value, (*at, "value"), report):
                value = None
            target = criterion.id
        else:
            if entry.deduction is None or entry.count is None:
                missing = "deduction" if entry.deduction is None else "count"
                report(
                    at,
                    "E202",
                    _("'{key}' is missing: a deduction's correction needs both `deduction:` and `count:`").format(
                        key=missing
                    ),
                )
                continue
            if ruleset.deduction(entry.deduction) is None:
                known = [d.id for d in ruleset.deductions]
                report(
                    (*at, "deduction"),
                    "E201",
                    _("unknown deduction '{deduction}'{hint}; the deductions are {known}").format(
                        deduction=clip(entry.deduction),
                        hint=did_you_mean(entry.deduction, known),
                        known=", ".join(known) or _("none"),
                    ),
                )
                continue
            target = entry.deduction
        pair = (entry.department, target)
        line = document.at(at).line
        if pair in seen:
            report(
                at,
                "E503",
                _("'{target}' of '{department}' is adjusted twice (first at line {line}): keep one adjustment").format(
                    target=clip(target), department=clip(entry.department), line=seen[pair]
                ),
            )
            continue
        seen[pair] = line
        if len(problems) == before or all(not p.is_error for p in problems[before:]):
            adjustments.append(
                Adjustment(
                    entry.department,
                    entry.reason,
                    target if corrects_criterion else None,
                    value,
                    entry.deduction if corrects_deduction else None,
                    entry.count,
                    line,
                    partial,
                )
            )
    if any(p.is_error for p in problems):
        return None, problems
    return Review(top.year, top.reviewed_by, top.date, tuple(adjustments), document.file, document.sha256), problems


def _department_hint(word: str, ruleset: Ruleset, bodies: bool = False) -> str:
    """Did-you-mean for a department (or with `bodies`, a body too): by its id, or by its name
    (`Sở Tài chính` -> its id `so-tai-chinh`)."""
    members = [*ruleset.departments, *(ruleset.bodies if bodies else ())]
    by_name = {fold(d.name): d.id for d in members}
    guess = by_name.get(fold(word)) or suggest(word, [d.id for d in members])
    if guess is None:
        name = suggest(word, [d.name for d in members])
        guess = by_name[fold(name)] if name is not None else None
    return " " + _("(did you mean '{guess}'?)").format(guess=guess) if guess else ""


def _bare_value(kind: str, value: Any) -> Any:
    """The value as its kind's mapping: a bare number or text stands for its kind's one key; None if it cannot."""
    if isinstance(value, dict) or value is None:
        return value
    model = VALUE_MODELS[kind]
    required = [name for name, field in model.model_fields.items() if field.is_required()]
    if len(required) == 1 and required[0] not in ("items", "inputs", "targets") and not isinstance(value, list):
        return {required[0]: value}
    return None


@dataclass(frozen=True)
class AdjustmentEffect:
    """What one adjustment changed, in points: for every output format."""

    adjustment: Adjustment
    no: str
    title: str
    self_declared: Decimal
    reviewed: Decimal
