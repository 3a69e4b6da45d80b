"""Submissions: one department's values for one year (SPEC section 3.2).

The shape of a value depends only on its criterion's rule kind, so the value
models are fixed; what depends on the year (which criteria, how many targets,
which labels and items, which maxima) comes from the ruleset of the file's own
`year`, checked by `check_submission`. Nothing about a particular year is
written in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

from .fields import (
    YAML11_BOOLEANS,
    Id,
    NonNegative,
    NonNegativeWhole,
    Text,
    did_you_mean,
    fold,
    show,
    suggest,
    to_mapping,
)
from .i18n import _
from .problems import Problem, error
from .ruleset import (
    AssessedRule,
    ChecklistRule,
    Criterion,
    OptionalText,
    PercentRule,
    RatingRule,
    Ruleset,
    TargetsRule,
)
from .validation import validate
from .yamlio import DEFAULT_MAX_BYTES, Document, PathKey, load_file

NOT_APPLICABLE = "not_applicable"
_NOT_APPLICABLE_SPELLINGS = frozenset({"n/a", "na", "not-applicable", "khong-ap-dung", "none", "kad"})


def _to_item_state(value: Any) -> bool | str:
    if isinstance(value, bool) or value == NOT_APPLICABLE:
        return value
    if value is None:
        raise PydanticCustomError("E204", _("has no value: write true or false"))
    if isinstance(value, str) and value in YAML11_BOOLEANS:
        raise PydanticCustomError(
            "E204",
            _(
                "must be true, false or not_applicable, got {got} (write true or false: 'yes', 'no', 'on' and 'off' are not read as true or false)"
            ),
            {"got": show(value)},
        )
    if isinstance(value, str) and fold(value) in _NOT_APPLICABLE_SPELLINGS:
        raise PydanticCustomError(
            "E204",
            _("must be true, false or not_applicable, got {got} (did you mean 'not_applicable'?)"),
            {"got": show(value)},
        )
    raise PydanticCustomError("E204", _("must be true, false or not_applicable, got {got}"), {"got": show(value)})


def _at_most_100(value: Decimal) -> Decimal:
    if value > 100:
        raise PydanticCustomError("E205", _("must be at most 100 (a percentage), got {got}"), {"got": show(value)})
    return value


ItemState = Annotated[bool | str, BeforeValidator(_to_item_state)]
Percent = Annotated[NonNegative, AfterValidator(_at_most_100)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Component(_Model):
    """One registered quantitative target of a `targets` criterion."""

    name: Text
    unit: OptionalText = None
    direction: Literal["higher", "lower"] = "higher"
    target: NonNegative
    actual: NonNegative
    evidence: OptionalText = None
    note: OptionalText = None


class _Value(_Model):
    evidence: OptionalText = None
    note: OptionalText = None


class TargetsValue(_Value):
    targets: list[Component]


class RatingValue(_Value):
    rating: Text


class PercentValue(_Value):
    percent: Percent


class ChecklistValue(_Value):
    items: Annotated[dict[str, ItemState], BeforeValidator(to_mapping)]


class CountValue(_Value):
    count: NonNegativeWhole


class AssessedValue(_Value):
    points: NonNegative


CriterionValue = Union[TargetsValue, RatingValue, PercentValue, ChecklistValue, CountValue, AssessedValue]
VALUE_MODELS: dict[str, type[_Value]] = {
    "targets": TargetsValue,
    "rating": RatingValue,
    "percent": PercentValue,
    "checklist": ChecklistValue,
    "count_points": CountValue,
    "count_penalty": CountValue,
    "assessed": AssessedValue,
}


class SubmissionFile(_Model):
    """The top level of a submission file; criterion values are checked one by one."""

    department: Id
    year: NonNegativeWhole
    criteria: Annotated[dict[str, Any], BeforeValidator(to_mapping)]
    deductions: Annotated[
        dict[str, NonNegativeWhole], BeforeValidator(lambda v: {} if v is None else to_mapping(v))
    ] = {}
    self_score: Annotated[dict[str, NonNegative], BeforeValidator(lambda v: {} if v is None else to_mapping(v))] = {}
    evidence: OptionalText = None
    note: OptionalText = None


@dataclass(frozen=True)
class Submission:
    """What the engine scores: one unit's values, valid against the year's ruleset."""

    department: str
    year: int
    criteria: Mapping[str, CriterionValue]
    deductions: Mapping[str, int] = field(default_factory=dict)
    self_score: Mapping[str, Decimal] = field(default_factory=dict)
    file: str = ""
    sha256: str = ""


@dataclass
class LoadedSubmission:
    submission: Submission | None
    problems: list[Problem]
    year: int | None = None


RulesetFor = Callable[[int], "Ruleset | None"]


def what_to_write(criterion: Criterion) -> str:
    """A one-line example of a valid value, for messages and templates."""
    rule = criterion.rule
    if isinstance(rule, TargetsRule):
        return _("{{targets: [...]}} with exactly {count} items {{name, unit, target, actual}}").format(
            count=rule.count
        )
    if isinstance(rule, RatingRule):
        return _("{{rating: ...}} with one of {labels}").format(labels=", ".join(rule.scale))
    if isinstance(rule, PercentRule):
        return _("{{percent: ...}} from 0 to 100").format()
    if isinstance(rule, ChecklistRule):
        return "{items: {" + ", ".join(f"{item}: true" for item in rule.items) + "}}"
    if isinstance(rule, AssessedRule):
        return _("{{points: ...}} from 0 to {max}").format(max=rule.max)
    return _("{{count: ...}} a whole number, 0 or more").format()


def load_submission(
    path: Path,
    ruleset_for: RulesetFor,
    display: str | None = None,
    criterion_years: Callable[[str], list[int]] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> LoadedSubmission:
    """Read and check one submission file against the ruleset of its own year."""
    loaded = load_file(path, display, max_bytes)
    if loaded.document is None:
        return LoadedSubmission(None, loaded.problems)
    result = parse_submission(loaded.document, ruleset_for, path, criterion_years)
    result.problems[:0] = loaded.problems
    return result


def parse_submission(
    document: Document,
    ruleset_for: RulesetFor,
    path: Path | None = None,
    criterion_years: Callable[[str], list[int]] | None = None,
) -> LoadedSubmission:
    top, problems = validate(SubmissionFile, document.data, document)
    if top is None:
        return LoadedSubmission(None, problems)
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
                    "there is no valid ruleset for {year} (rules/{year}.yaml is missing or has problems: run `emulate check-rules`)"
                ).format(year=top.year),
            )
        )
        return LoadedSubmission(None, problems, top.year)
    values, more = check_submission(top, ruleset, document, path, criterion_years or (lambda _: []))
    problems += more
    if any(p.is_error for p in problems):
        return LoadedSubmission(None, problems, top.year)
    submission = Submission(
        department=top.department,
        year=top.year,
        criteria=values,
        deductions={d.id: top.deductions.get(d.id, 0) for d in ruleset.deductions},
        self_score=dict(top.self_score),
        file=document.file,
        sha256=document.sha256,
    )
    return LoadedSubmission(submission, problems, top.year)


def check_submission(
    top: SubmissionFile,
    ruleset: Ruleset,
    document: Document,
    path: Path | None,
    criterion_years: Callable[[str], list[int]],
) -> tuple[dict[str, CriterionValue], list[Problem]]:
    """The checks that need the year's ruleset; returns the valid values found."""
    problems: list[Problem] = []

    def report(at: PathKey, code: str, message: str, key: bool = False) -> None:
        pos = document.key_at(at) if key else document.at(at)
        problems.append(error(document.file, pos.line, pos.column, code, message))

    if ruleset.department(top.department) is None:
        department_ids = [d.id for d in ruleset.departments]
        report(
            ("department",),
            "E401",
            _(
                "department '{department}' is not a member of {ruleset} in {year}{hint}; the members are {members}"
            ).format(
                department=top.department,
                ruleset=ruleset.ruleset,
                year=ruleset.year,
                hint=did_you_mean(top.department, department_ids),
                members=", ".join(department_ids),
            ),
        )
    if path is not None:
        if path.stem != top.department:
            report(
                ("department",),
                "E402",
                _(
                    "the file is named {name} but is for department '{department}': rename it to {department}.yaml, or correct `department`"
                ).format(name=path.name, department=top.department),
            )
        folder = path.parent.name
        if folder.isdigit() and int(folder) != top.year:
            report(
                ("year",),
                "E403",
                _(
                    "the file is in the folder {folder}/ but says year {year}: move it to submissions/{year}/, or correct `year`"
                ).format(folder=folder, year=top.year),
            )
            return {}, problems  # which year's rules apply is in doubt: check nothing against either

    values: dict[str, CriterionValue] = {}
    criteria = {c.id: c for _, c in ruleset.criteria()}
    unknown = [c for c in top.criteria if c not in criteria]
    meant = {suggest(c, criteria) for c in unknown if not criterion_years(c)}  # typos stand for missing ids
    for criterion_id, criterion in criteria.items():
        if criterion_id not in top.criteria and criterion_id in meant:
            continue  # reported once, as the unknown id with its did-you-mean
        if criterion_id not in top.criteria:
            report(
                ("criteria",),
                "E404",
                _("criterion {no} '{id}' ({title}) is missing: add `{id}: {example}`").format(
                    no=criterion.no, id=criterion_id, title=criterion.title, example=what_to_write(criterion)
                ),
            )
            continue
        at = ("criteria", criterion_id)
        value, found = validate(VALUE_MODELS[criterion.kind], top.criteria[criterion_id], document, at)
        problems += found
        if value is not None:
            more = check_value(criterion, value, at, report)
            if not more:
                values[criterion_id] = value
    for criterion_id in unknown:
        report(
            ("criteria", criterion_id),
            "E405",
            unknown_criterion_message(criterion_id, ruleset, criterion_years),
            key=True,
        )
    for deduction_id in top.deductions:
        if ruleset.deduction(deduction_id) is None:
            known = [d.id for d in ruleset.deductions]
            hint = did_you_mean(deduction_id, known)
            if known:
                message = _("unknown deduction '{deduction}'{hint}; the deductions are {known}").format(
                    deduction=deduction_id, hint=hint, known=", ".join(known)
                )
            else:
                message = _("unknown deduction '{deduction}'{hint}; the {year} ruleset has no deductions").format(
                    deduction=deduction_id, hint=hint, year=ruleset.year
                )
            report(("deductions", deduction_id), "E201", message, key=True)
    for criterion_id in top.self_score:
        if criterion_id not in criteria:
            report(
                ("self_score", criterion_id),
                "E201",
                _("self_score names '{id}', which is not a criterion of {year}{hint}").format(
                    id=criterion_id, year=ruleset.year, hint=did_you_mean(criterion_id, criteria)
                ),
                key=True,
            )
    return values, problems


def unknown_criterion_message(criterion_id: str, ruleset: Ruleset, criterion_years: Callable[[str], list[int]]) -> str:
    years = sorted(y for y in criterion_years(criterion_id) if y != ruleset.year)
    if years and min(years) > ruleset.year:
        return _(
            "criterion '{id}' is not in the {year} ruleset: it exists only from {first}; remove it from this {year} file"
        ).format(id=criterion_id, year=ruleset.year, first=min(years))
    if years and max(years) < ruleset.year:
        return _(
            "criterion '{id}' is not in the {year} ruleset: it existed until {last}; remove it from this {year} file"
        ).format(id=criterion_id, year=ruleset.year, last=max(years))
    if years:
        return _("criterion '{id}' is not in the {year} ruleset (it is in the rulesets of {years}); remove it").format(
            id=criterion_id, year=ruleset.year, years=", ".join(map(str, years))
        )
    guess = suggest(criterion_id, ruleset.criterion_ids)
    if guess:
        return _("criterion '{id}' is not in the {year} ruleset (did you mean '{guess}'?)").format(
            id=criterion_id, year=ruleset.year, guess=guess
        )
    return _("criterion '{id}' is not in the {year} ruleset; the criteria are listed by `emulate rules {year}`").format(
        id=criterion_id, year=ruleset.year
    )


def check_value(criterion: Criterion, value: CriterionValue, at: PathKey, report: Callable[..., None]) -> bool:
    """Ruleset-dependent checks of one valid-shaped value; True when something is wrong."""
    rule = criterion.rule
    wrong = False

    def fail(path: PathKey, code: str, message: str, key: bool = False) -> None:
        nonlocal wrong
        wrong = True
        report(path, code, message, key)

    if isinstance(rule, TargetsRule) and isinstance(value, TargetsValue):
        if len(value.targets) != rule.count:
            fail(
                (*at, "targets"),
                "E208",
                _("criterion {no} needs exactly {count} targets, got {got}").format(
                    no=criterion.no, count=rule.count, got=len(value.targets)
                ),
            )
        for i, component in enumerate(value.targets):
            if component.direction == "higher" and component.target <= 0:
                fail(
                    (*at, "targets", i, "target"),
                    "E408",
                    _(
                        "'target' of '{name}' must be greater than 0 when higher is better (performance is actual / target); if lower is better, add `direction: lower`"
                    ).format(name=component.name),
                )
    elif isinstance(rule, RatingRule) and isinstance(value, RatingValue):
        if value.rating not in rule.scale:
            guess = suggest(value.rating, rule.scale)
            hint = " " + _("(did you mean '{guess}'?)").format(guess=guess) if guess else ""
            fail(
                (*at, "rating"),
                "E207",
                _("rating {rating} is not on the scale of criterion {no}{hint}; write one of {labels}").format(
                    rating=show(value.rating), no=criterion.no, hint=hint, labels=", ".join(rule.scale)
                ),
            )
    elif isinstance(rule, ChecklistRule) and isinstance(value, ChecklistValue):
        for item_id, item in rule.items.items():
            state = value.items.get(item_id)
            if item_id not in value.items:
                fail(
                    (*at, "items"),
                    "E202",
                    _("checklist item '{item}' ({title}) is missing: add `{item}: true` or `{item}: false`").format(
                        item=item_id, title=item.title
                    ),
                )
            elif state == NOT_APPLICABLE and item.if_not_applicable == "forbidden":
                fail(
                    (*at, "items", item_id),
                    "E407",
                    _("item '{item}' ({title}) cannot be not_applicable under the ruleset: write true or false").format(
                        item=item_id, title=item.title
                    ),
                )
        for item_id in value.items:
            if item_id not in rule.items:
                fail(
                    (*at, "items", item_id),
                    "E201",
                    _("unknown checklist item '{item}'{hint}; the items of {no} are {items}").format(
                        item=item_id,
                        hint=did_you_mean(item_id, rule.items),
                        no=criterion.no,
                        items=", ".join(rule.items),
                    ),
                    key=True,
                )
    elif isinstance(rule, AssessedRule) and isinstance(value, AssessedValue):
        if value.points > rule.max:
            fail(
                (*at, "points"),
                "E205",
                _("'points' must be at most {max} (the maximum of criterion {no}), got {got}").format(
                    max=rule.max, no=criterion.no, got=show(value.points)
                ),
            )
    return wrong
