"""Submissions: one department's values for one year (SPEC section 3.2).

The shape of a value depends only on its criterion's rule kind, so the value
models are fixed, each in its kind's module (`emulate.kinds`); what depends on
the year (which criteria, how many targets, which labels and items, which
maxima) comes from the ruleset of the file's own
`year`, checked by `check_submission`. Nothing about a particular year is
written in Python.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BeforeValidator, Field

from .fields import Id, Model, NonNegative, NonNegativeWhole, OptionalText, did_you_mean, suggest, to_mapping
from .i18n import _
from .kinds import VALUE_MODELS as VALUE_MODELS  # re-exported: the review validates values by kind
from .kinds import NotApplicable, Value
from .kinds.checklist import NOT_APPLICABLE, ChecklistRule
from .kinds.rating import RatingRule
from .problems import Problem, clip, error, warning
from .ruleset import Criterion, Ruleset, year_named
from .validation import validate, validate_together
from .yamlio import DEFAULT_MAX_BYTES, Document, PathKey, load_file

if TYPE_CHECKING:
    from .assessment import Merged

# A criterion's value: a model of its kind's module (`emulate.kinds`), which checks and scores it.
CriterionValue = Value


class SubmissionFile(Model):
    """The top level of a submission file; criterion values are checked one by one."""

    department: Id
    year: NonNegativeWhole
    criteria: Annotated[dict[str, Any], BeforeValidator(to_mapping)]
    deductions: Annotated[
        dict[str, NonNegativeWhole], BeforeValidator(lambda v: {} if v is None else to_mapping(v))
    ] = Field(default_factory=dict)
    self_score: Annotated[dict[str, NonNegative], BeforeValidator(lambda v: {} if v is None else to_mapping(v))] = (
        Field(default_factory=dict)
    )
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
    #: the values scored by others (SPEC 7.7), already in `criteria`: who scored them and how
    assessed: Mapping[str, Merged] = field(default_factory=dict)


@dataclass
class LoadedSubmission:
    submission: Submission | None
    problems: list[Problem]
    year: int | None = None


RulesetFor = Callable[[int], "Ruleset | None"]


def what_to_write(criterion: Criterion) -> str:
    """A one-line example of a valid value, for messages and templates."""
    return criterion.rule.example()


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


#: the Vietnamese words of a checklist item's states (SPEC 8), as the forms write them
ITEM_WORDS: dict[str, bool | str] = {"Có": True, "Không": False, "Không áp dụng": NOT_APPLICABLE}


def _state_text(state: bool | str) -> str:
    return "true" if state is True else "false" if state is False else str(state)


def read_labels(ruleset: Ruleset, data: Any) -> tuple[Any, list[tuple[PathKey, str]]]:
    """A submission's values with the ruleset's Vietnamese labels read as the ids they stand for (SPEC 8).

    `rating: Tốt` (a scale title, compared exactly after NFC) becomes the label `tot`;
    a checklist item `Có`, `Không` or `Không áp dụng` becomes true, false or
    not_applicable. Returns the data (a new top-level mapping when anything was read;
    the input is not changed) and, for each value read, its path and a warning (W203)
    that shows what to write. Anything else is left as it is, for the checks to judge.
    The one place labels are read: a YAML submission and a workbook both go through it.
    """
    if not isinstance(data, Mapping) or not isinstance(data.get("criteria"), Mapping):
        return data, []
    criteria = dict(data["criteria"])
    read: list[tuple[PathKey, str]] = []
    labelled = ruleset.labelled_rules  # only a rating's or a checklist's value can be written with labels
    for criterion_id, raw in data["criteria"].items():
        rule = labelled.get(criterion_id) if isinstance(criterion_id, str) else None
        if rule is None or not isinstance(raw, Mapping):
            continue
        rating = raw.get("rating")
        if isinstance(rule, RatingRule) and isinstance(rating, str) and rating not in rule.scale:
            text = unicodedata.normalize("NFC", rating)
            label = next(
                (label for label, title in rule.titles.items() if unicodedata.normalize("NFC", title) == text), None
            )
            if label is not None:
                criteria[criterion_id] = {**raw, "rating": label}
                read.append(
                    (
                        ("criteria", criterion_id, "rating"),
                        _("'{title}' is the title of rating '{label}': write `rating: {label}`").format(
                            title=clip(rating), label=label
                        ),
                    )
                )
        items = raw.get("items")
        if isinstance(rule, ChecklistRule) and isinstance(items, Mapping):
            states = dict(items)
            for item_id, state in items.items():
                word = unicodedata.normalize("NFC", state) if isinstance(state, str) else None
                if word in ITEM_WORDS and item_id in rule.items:
                    states[item_id] = ITEM_WORDS[word]
                    read.append(
                        (
                            ("criteria", criterion_id, "items", item_id),
                            _("'{word}' is read as {state}: write `{item}: {state}`").format(
                                word=word, state=_state_text(ITEM_WORDS[word]), item=item_id
                            ),
                        )
                    )
            if states != dict(items):
                criteria[criterion_id] = {**raw, "items": states}
    if not read:
        return data, []
    return {**data, "criteria": criteria}, read


def parse_submission(
    document: Document,
    ruleset_for: RulesetFor,
    path: Path | None = None,
    criterion_years: Callable[[str], list[int]] | None = None,
) -> LoadedSubmission:
    top, problems = validate(SubmissionFile, document.data, document)
    if top is None:
        top = _without_broken_extras(document)
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
                    "there is no valid ruleset for {year} (rules/{year}.yaml is missing or has problems: run"
                    " `emulate check-rules`)"
                ).format(year=top.year),
            )
        )
        return LoadedSubmission(None, problems, top.year)
    data, read = read_labels(ruleset, document.data)
    if read:
        top = top.model_copy(update={"criteria": dict(data["criteria"])})
        for at, message in read:
            pos = document.at(at)
            problems.append(warning(document.file, pos.line, pos.column, "W203", message))
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


def _without_broken_extras(document: Document) -> SubmissionFile | None:
    """The file's top level without `deductions` and `self_score`, when only those were wrong.

    A malformed deduction count must not hide the criteria's problems: every problem of a
    file is reported in one run (SPEC 4). The result is used for checking only; the
    problems already found keep the submission from being scored.
    """
    if not isinstance(document.data, dict):
        return None
    rest = {k: v for k, v in document.data.items() if k not in ("deductions", "self_score")}
    top, problems = validate(SubmissionFile, rest, document)
    return top if not problems else None


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
                department=clip(top.department),
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
                    "the file is named {name} but is for department '{department}': rename it to"
                    " {department}.yaml, or correct `department`"
                ).format(name=clip(path.name), department=clip(top.department)),
            )
        folder = year_named(path.parent.name)
        if folder is not None and folder != top.year:
            report(
                ("year",),
                "E403",
                _(
                    "the file is in the folder {folder}/ but says year {year}: move it to"
                    " submissions/{year}/, or correct `year`"
                ).format(folder=folder, year=top.year),
            )
            return {}, problems  # which year's rules apply is in doubt: check nothing against either

    values: dict[str, CriterionValue] = {}
    criteria = ruleset.criterion_map
    left_out = ruleset.left_out(top.department)
    unknown = [c for c in top.criteria if c not in criteria]
    meant = {suggest(c, criteria) for c in unknown if not criterion_years(c)}  # typos stand for missing ids
    # The values the loop below validates, validated in one call (far cheaper than one each); when
    # one is wrong, none is taken from here, and the loop validates each alone, for its problems.
    given = top.criteria
    own = [
        (criterion_id, model)
        for criterion_id, model in ruleset.own_value_models
        if criterion_id in given and criterion_id not in left_out and not _declares_not_applicable(given[criterion_id])
    ]
    together = validate_together(tuple(model for _, model in own), [given[i] for i, _ in own])
    valid = dict(zip((i for i, _ in own), together, strict=True)) if together is not None else {}
    for criterion_id, criterion in criteria.items():
        if criterion_id in left_out:
            if criterion_id in top.criteria:
                report(
                    ("criteria", criterion_id),
                    "E409",
                    _("criterion {no} '{id}' does not apply to {department} ({reason}): remove it").format(
                        no=criterion.no, id=criterion_id, department=top.department, reason=why_not(criterion)
                    ),
                    key=True,
                )
            continue
        if criterion.by_others:
            if criterion_id in top.criteria:
                report(
                    ("criteria", criterion_id),
                    "E410",
                    _(
                        "criterion {no} '{id}' is scored by {scorer}, not by the unit: remove it (its value comes"
                        " from assessments/{year}/; the unit's own claim may go in `self_score`)"
                    ).format(no=criterion.no, id=criterion_id, scorer=criterion.scored_by, year=ruleset.year),
                    key=True,
                )
            continue
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
        raw = top.criteria[criterion_id]
        if criterion_id not in valid and _declares_not_applicable(raw):  # a valid one declares nothing
            declared, found = validate(NotApplicable, raw, document, at)
            problems += found
            if criterion.not_applicable != "allowed":
                report(
                    (*at, "not_applicable"),
                    "E407",
                    _(
                        "criterion {no} '{id}' must be scored: the ruleset does not allow `not_applicable` for it;"
                        " write `{id}: {example}`"
                    ).format(no=criterion.no, id=criterion_id, example=what_to_write(criterion)),
                    key=True,
                )
            elif declared is not None:
                values[criterion_id] = declared
            continue
        if criterion_id in valid:
            value, found = valid[criterion_id], []
        else:
            value, found = validate(VALUE_MODELS[criterion.kind], raw, document, at)
        problems += found
        if value is not None:
            more = check_value(criterion, value, at, report)
            if not more:
                values[criterion_id] = value
            for key, doubt in criterion.rule.doubts(value) if not more else []:
                pos = document.at((*at, key))
                problems.append(warning(document.file, pos.line, pos.column, "W202", doubt))
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
                    deduction=clip(deduction_id), hint=hint, known=", ".join(known)
                )
            else:
                message = _("unknown deduction '{deduction}'{hint}; the {year} ruleset has no deductions").format(
                    deduction=clip(deduction_id), hint=hint, year=ruleset.year
                )
            report(("deductions", deduction_id), "E201", message, key=True)
    for criterion_id in top.self_score:
        if criterion_id not in criteria:
            report(
                ("self_score", criterion_id),
                "E201",
                _("self_score names '{id}', which is not a criterion of {year}{hint}").format(
                    id=clip(criterion_id), year=ruleset.year, hint=did_you_mean(criterion_id, criteria)
                ),
                key=True,
            )
    return values, problems


def _declares_not_applicable(raw: Any) -> bool:
    return isinstance(raw, dict) and "not_applicable" in raw


def why_not(criterion: Criterion) -> str:
    """Why a criterion leaves some units out, in the ruleset's own terms."""
    if criterion.applies_to is not None:
        return _("it applies only to {ids}").format(ids=", ".join(criterion.applies_to))
    return _("it applies to every unit except {ids}").format(ids=", ".join(criterion.except_ or ()))


def unknown_criterion_message(criterion_id: str, ruleset: Ruleset, criterion_years: Callable[[str], list[int]]) -> str:
    years = sorted(y for y in criterion_years(criterion_id) if y != ruleset.year)
    if years and min(years) > ruleset.year:
        return _(
            "criterion '{id}' is not in the {year} ruleset: it exists only from {first}; remove it from this"
            " {year} file"
        ).format(id=clip(criterion_id), year=ruleset.year, first=min(years))
    if years and max(years) < ruleset.year:
        return _(
            "criterion '{id}' is not in the {year} ruleset: it existed until {last}; remove it from this {year} file"
        ).format(id=clip(criterion_id), year=ruleset.year, last=max(years))
    if years:
        return _("criterion '{id}' is not in the {year} ruleset (it is in the rulesets of {years}); remove it").format(
            id=clip(criterion_id), year=ruleset.year, years=", ".join(map(str, years))
        )
    guess = suggest(criterion_id, ruleset.criterion_ids)
    if guess:
        return _("criterion '{id}' is not in the {year} ruleset (did you mean '{guess}'?)").format(
            id=clip(criterion_id), year=ruleset.year, guess=guess
        )
    return _("criterion '{id}' is not in the {year} ruleset; the criteria are listed by `emulate rules {year}`").format(
        id=clip(criterion_id), year=ruleset.year
    )


def check_value(criterion: Criterion, value: CriterionValue, at: PathKey, report: Callable[..., None]) -> bool:
    """Ruleset-dependent checks of one valid-shaped value (by its kind); True when something is wrong."""
    wrong = False

    def fail(path: PathKey, code: str, message: str, key: bool = False) -> None:
        nonlocal wrong
        wrong = True
        report(path, code, message, key)

    if isinstance(value, criterion.rule.VALUE):
        criterion.rule.check_value(criterion.no, value, at, fail)
    return wrong
