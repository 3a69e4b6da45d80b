"""Submissions: one department's values for one year (SPEC section 3.2).

The shape of a value depends only on its criterion's rule kind, so the value
models are fixed; what depends on the year (which criteria, how many targets,
which labels and items, which maxima) comes from the ruleset of the file's own
`year`, checked by `check_submission`. Nothing about a particular year is
written in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Callable, Literal, Mapping, Union

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

from .fields import (
    YAML11_BOOLEANS, Id, NonNegative, NonNegativeWhole, Text, did_you_mean, fold, show, suggest, to_mapping,
)
from .problems import Problem, error
from .ruleset import (
    AssessedRule, ChecklistRule, Criterion, OptionalText, PercentRule, RatingRule, Ruleset, TargetsRule,
)
from .validation import validate
from .yamlio import DEFAULT_MAX_BYTES, Document, PathKey, load_file

NOT_APPLICABLE = "not_applicable"
_NOT_APPLICABLE_SPELLINGS = frozenset({"n/a", "na", "not-applicable", "khong-ap-dung", "none", "kad"})


def _to_item_state(value: Any) -> bool | str:
    if isinstance(value, bool) or value == NOT_APPLICABLE:
        return value
    if value is None:
        raise PydanticCustomError("E204", "has no value: write true or false")
    if isinstance(value, str) and value in YAML11_BOOLEANS:
        raise PydanticCustomError("E204", "must be true, false or not_applicable, got {got} (write true or false: 'yes', 'no', 'on' and 'off' are not read as true or false)", {"got": show(value)})
    if isinstance(value, str) and fold(value) in _NOT_APPLICABLE_SPELLINGS:
        raise PydanticCustomError("E204", "must be true, false or not_applicable, got {got} (did you mean 'not_applicable'?)", {"got": show(value)})
    raise PydanticCustomError("E204", "must be true, false or not_applicable, got {got}", {"got": show(value)})


def _at_most_100(value: Decimal) -> Decimal:
    if value > 100:
        raise PydanticCustomError("E205", "must be at most 100 (a percentage), got {got}", {"got": show(value)})
    return value


ItemState = Annotated[Union[bool, str], BeforeValidator(_to_item_state)]
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
    deductions: Annotated[dict[str, NonNegativeWhole], BeforeValidator(lambda v: {} if v is None else to_mapping(v))] = {}
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
        return f"{{targets: [...]}} with exactly {rule.count} items {{name, unit, target, actual}}"
    if isinstance(rule, RatingRule):
        return f"{{rating: ...}} with one of {', '.join(rule.scale)}"
    if isinstance(rule, PercentRule):
        return "{percent: ...} from 0 to 100"
    if isinstance(rule, ChecklistRule):
        return "{items: {" + ", ".join(f"{item}: true" for item in rule.items) + "}}"
    if isinstance(rule, AssessedRule):
        return f"{{points: ...}} from 0 to {rule.max}"
    return "{count: ...} a whole number, 0 or more"


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
        problems.append(error(document.file, pos.line, pos.column, "E406", f"there is no valid ruleset for {top.year} (rules/{top.year}.yaml is missing or has problems: run `emulate check-rules`)"))
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
        report(("department",), "E401", f"department '{top.department}' is not a member of {ruleset.ruleset} in {ruleset.year}{did_you_mean(top.department, department_ids)}; the members are {', '.join(department_ids)}")
    if path is not None:
        if path.stem != top.department:
            report(("department",), "E402", f"the file is named {path.name} but is for department '{top.department}': rename it to {top.department}.yaml, or correct `department`")
        folder = path.parent.name
        if folder.isdigit() and int(folder) != top.year:
            report(("year",), "E403", f"the file is in the folder {folder}/ but says year {top.year}: move it to submissions/{top.year}/, or correct `year`")
            return {}, problems  # which year's rules apply is in doubt: check nothing against either

    values: dict[str, CriterionValue] = {}
    criteria = {c.id: c for _, c in ruleset.criteria()}
    unknown = [c for c in top.criteria if c not in criteria]
    meant = {suggest(c, criteria) for c in unknown if not criterion_years(c)}  # typos stand for missing ids
    for criterion_id, criterion in criteria.items():
        if criterion_id not in top.criteria and criterion_id in meant:
            continue  # reported once, as the unknown id with its did-you-mean
        if criterion_id not in top.criteria:
            report(("criteria",), "E404", f"criterion {criterion.no} '{criterion_id}' ({criterion.title}) is missing: add `{criterion_id}: {what_to_write(criterion)}`")
            continue
        at = ("criteria", criterion_id)
        value, found = validate(VALUE_MODELS[criterion.kind], top.criteria[criterion_id], document, at)
        problems += found
        if value is not None:
            more = check_value(criterion, value, at, report)
            if not more:
                values[criterion_id] = value
    for criterion_id in unknown:
        report(("criteria", criterion_id), "E405", unknown_criterion_message(criterion_id, ruleset, criterion_years), key=True)
    for deduction_id in top.deductions:
        if ruleset.deduction(deduction_id) is None:
            known = [d.id for d in ruleset.deductions]
            listed = f"; the deductions are {', '.join(known)}" if known else f"; the {ruleset.year} ruleset has no deductions"
            report(("deductions", deduction_id), "E201", f"unknown deduction '{deduction_id}'{did_you_mean(deduction_id, known)}{listed}", key=True)
    for criterion_id in top.self_score:
        if criterion_id not in criteria:
            report(("self_score", criterion_id), "E201", f"self_score names '{criterion_id}', which is not a criterion of {ruleset.year}{did_you_mean(criterion_id, criteria)}", key=True)
    return values, problems


def unknown_criterion_message(criterion_id: str, ruleset: Ruleset, criterion_years: Callable[[str], list[int]]) -> str:
    years = sorted(y for y in criterion_years(criterion_id) if y != ruleset.year)
    message = f"criterion '{criterion_id}' is not in the {ruleset.year} ruleset"
    if years and min(years) > ruleset.year:
        return f"{message}: it exists only from {min(years)}; remove it from this {ruleset.year} file"
    if years and max(years) < ruleset.year:
        return f"{message}: it existed until {max(years)}; remove it from this {ruleset.year} file"
    if years:
        return f"{message} (it is in the rulesets of {', '.join(map(str, years))}); remove it"
    guess = suggest(criterion_id, ruleset.criterion_ids)
    if guess:
        return f"{message} (did you mean '{guess}'?)"
    return f"{message}; the criteria are listed by `emulate rules {ruleset.year}`"


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
            fail((*at, "targets"), "E208", f"criterion {criterion.no} needs exactly {rule.count} targets, got {len(value.targets)}")
        for i, component in enumerate(value.targets):
            if component.direction == "higher" and component.target <= 0:
                fail((*at, "targets", i, "target"), "E408", f"'target' of '{component.name}' must be greater than 0 when higher is better (performance is actual / target); if lower is better, add `direction: lower`")
    elif isinstance(rule, RatingRule) and isinstance(value, RatingValue):
        if value.rating not in rule.scale:
            guess = suggest(value.rating, rule.scale)
            hint = f" (did you mean '{guess}'?)" if guess else ""
            fail((*at, "rating"), "E207", f"rating {show(value.rating)} is not on the scale of criterion {criterion.no}{hint}; write one of {', '.join(rule.scale)}")
    elif isinstance(rule, ChecklistRule) and isinstance(value, ChecklistValue):
        for item_id, item in rule.items.items():
            state = value.items.get(item_id)
            if item_id not in value.items:
                fail((*at, "items"), "E202", f"checklist item '{item_id}' ({item.title}) is missing: add `{item_id}: true` or `{item_id}: false`")
            elif state == NOT_APPLICABLE and item.if_not_applicable == "forbidden":
                fail((*at, "items", item_id), "E407", f"item '{item_id}' ({item.title}) cannot be not_applicable under the ruleset: write true or false")
        for item_id in value.items:
            if item_id not in rule.items:
                fail((*at, "items", item_id), "E201", f"unknown checklist item '{item_id}'{did_you_mean(item_id, rule.items)}; the items of {criterion.no} are {', '.join(rule.items)}", key=True)
    elif isinstance(rule, AssessedRule) and isinstance(value, AssessedValue):
        if value.points > rule.max:
            fail((*at, "points"), "E205", f"'points' must be at most {rule.max} (the maximum of criterion {criterion.no}), got {show(value.points)}")
    return wrong
