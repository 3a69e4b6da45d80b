"""A fast, conservative check of the common case: a file with no problem at all.

`emulate validate` and `emulate check-rules` run on every save in editors and
pre-commit hooks, and almost every file they see is clean. The full checks
(pydantic models, positioned messages) cost a quarter of a second of imports
and model building before the first file; this module needs none of it. It
works on the plain data that `yamlio` reads and answers one question: is this
file certainly free of problems? It answers `None`/`False` at the first doubt,
and the caller then runs the full checks, which say what is wrong and where.

So the one rule of this module: it may refuse a clean file (that costs only
time), but it must never pass a file that the full checks would report a
problem for. tests/test_quick.py holds it to that over the broken-input corpus
and over random mutations of the shipped files.

Nothing here reports or prints; the checks are pure, like the engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

#: an id: lowercase ASCII letters, digits, hyphens and underscores, starting and ending with a letter or digit
ID_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?\Z")
#: a criterion number: 1.2, 3.1.4
NUMBER_PATTERN = re.compile(r"[0-9]+(?:\.[0-9]+)*\Z")
NOT_APPLICABLE = "not_applicable"
COUNT_KINDS = ("count_points", "count_penalty")

# rule kind -> (required keys besides `kind`, optional keys)
_RULE_KEYS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "targets": (frozenset({"count", "points_each"}), frozenset({"bonus_per_percent", "bonus_cap_each"})),
    "rating": (frozenset({"scale"}), frozenset({"bonus"})),
    "percent": (frozenset({"max"}), frozenset()),
    "checklist": (frozenset({"items"}), frozenset()),
    "count_points": (frozenset({"per", "cap"}), frozenset()),
    "count_penalty": (frozenset({"max", "per"}), frozenset()),
    "assessed": (frozenset({"max"}), frozenset()),
}
# rule kind -> the key of a submission's value for it
_VALUE_KEY = {
    "targets": "targets", "rating": "rating", "percent": "percent", "checklist": "items",
    "count_points": "count", "count_penalty": "count", "assessed": "points",
}
_NOTES = frozenset({"evidence", "note"})


class _Unsure(Exception):
    """The data may hold a problem: leave it to the full checks."""


@dataclass(frozen=True)
class Rules:
    """What a submission is checked against: the parts of a clean ruleset that matter."""

    year: int
    departments: frozenset[str]
    criteria: dict[str, tuple[str, dict[str, Any]]]  # id -> (kind, rule mapping as written)
    deductions: frozenset[str]


# --- values ------------------------------------------------------------------------------


def _need(condition: bool) -> None:
    if not condition:
        raise _Unsure


def _mapping(value: Any, required: frozenset[str] | set[str], optional: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
    _need(type(value) is dict and required <= value.keys() and value.keys() <= required | optional)
    return value


def _text(value: Any) -> str:
    _need(type(value) is str)
    return value


def _optional_text(value: Any) -> None:
    _need(value is None or type(value) is str)


def _id(value: Any) -> str:
    _need(type(value) is str and ID_PATTERN.match(value) is not None)
    return value


def _number(value: Any) -> Decimal:
    """A number as yamlio reads one (int or finite Decimal; never bool or text)."""
    _need(type(value) is int or (type(value) is Decimal and value.is_finite()))
    return Decimal(value)


def _non_negative(value: Any) -> Decimal:
    number = _number(value)
    _need(number >= 0)
    return number


def _positive(value: Any) -> Decimal:
    number = _number(value)
    _need(number > 0)
    return number


def _whole(value: Any, least: int) -> int:
    _need(type(value) is int and value >= least)
    return value


def _list(value: Any, non_empty: bool = False) -> list[Any]:
    _need(type(value) is list and (bool(value) or not non_empty))
    return value


def _unique(ids: list[str]) -> None:
    _need(len(set(ids)) == len(ids))


# --- rulesets ----------------------------------------------------------------------------


def clean_ruleset(data: Any, file_year: int | None = None, known_years: set[int] | None = None) -> Rules | None:
    """The ruleset's `Rules` if the full checks would find no problem in `data`, else None."""
    try:
        return _ruleset(data, file_year, known_years)
    except _Unsure:
        return None


def _ruleset(data: Any, file_year: int | None, known_years: set[int] | None) -> Rules:
    top = _mapping(
        data,
        {"ruleset", "year", "version", "title", "departments", "contents"},
        {"based_on", "previous", "note", "rounding", "deductions", "awards", "tie_breakers"},
    )
    _id(top["ruleset"])
    year = _whole(top["year"], 0)
    _text(top["version"])
    _text(top["title"])
    _optional_text(top.get("based_on"))
    _optional_text(top.get("note"))
    places = _rounding(top.get("rounding", {}))
    maxima: list[Decimal] = []

    departments = [_department(d) for d in _list(top["departments"], non_empty=True)]
    contents = [_mapping(c, {"id", "title", "criteria"}) for c in _list(top["contents"], non_empty=True)]
    criteria: dict[str, tuple[str, dict[str, Any]]] = {}
    numbers: list[str] = []
    content_ids = [_id(c["id"]) for c in contents]
    for content in contents:
        _text(content["title"])
        for j, item in enumerate(_list(content["criteria"], non_empty=True)):
            criterion = _mapping(item, {"id", "no", "title", "source", "rule"}, {"note"})
            criterion_id = _id(criterion["id"])
            _need(criterion_id not in criteria)
            no = _text(criterion["no"]).strip()
            # the number the regulation's order gives, as the full check computes it
            _need(NUMBER_PATTERN.match(no) is not None and no not in numbers)
            if content["id"].isdigit() and content_ids.count(content["id"]) == 1:
                _need(no == f"{content['id']}.{j + 1}")
            numbers.append(no)
            _text(criterion["title"])
            _need(_text(criterion["source"]).strip() != "")
            _optional_text(criterion.get("note"))
            kind, rule = _rule(criterion["rule"], maxima)
            criteria[criterion_id] = (kind, rule)

    deductions = [_deduction(d, maxima) for d in _list(top.get("deductions", []))]
    counted = {c for c, (kind, _rule_) in criteria.items() if kind in COUNT_KINDS} | set(deductions)
    awards = [_award(a, counted) for a in _list(top.get("awards", []))]
    for unique_ids in (content_ids, departments, deductions, awards):
        _unique(unique_ids)
    for breaker in _list(top.get("tie_breakers", [])):
        kind, _colon, target = _text(breaker).partition(":")
        _need(breaker == "fewer_deductions" or (kind == "content" and target in content_ids) or (kind == "criterion" and target in criteria))

    grid = Decimal(1).scaleb(-places)
    try:
        _need(all(value == value.quantize(grid) for value in maxima))
    except InvalidOperation:
        raise _Unsure from None
    _need(file_year is None or year == file_year)
    previous = top.get("previous")
    if previous is not None:
        _whole(previous, 0)
        _need(previous < year and (known_years is None or previous in known_years))
    return Rules(year, frozenset(departments), criteria, frozenset(deductions))


def _rounding(value: Any) -> int:
    rounding = _mapping(value, set(), {"places", "mode"})
    _need(rounding.get("mode", "half_up") == "half_up")
    places = _whole(rounding.get("places", 2), 0)
    _need(places <= 10)
    return places


def _department(value: Any) -> str:
    department = _mapping(value, {"id", "name"}, {"role"})
    _text(department["name"])
    _need(department.get("role", "member") in ("leader", "member"))
    return _id(department["id"])


def _rule(value: Any, maxima: list[Decimal]) -> tuple[str, dict[str, Any]]:
    _need(type(value) is dict and type(value.get("kind")) is str and value["kind"] in _RULE_KEYS)
    kind = value["kind"]
    required, optional = _RULE_KEYS[kind]
    rule = _mapping(value, required | {"kind"}, optional)
    if kind == "targets":
        _whole(rule["count"], 1)
        maxima.append(_positive(rule["points_each"]))
        per_percent = _non_negative(rule.get("bonus_per_percent", 0))
        cap = _non_negative(rule.get("bonus_cap_each", 0))
        _need(per_percent == 0 or cap > 0)
        maxima.append(cap)
    elif kind == "rating":
        scale = rule["scale"]
        _need(type(scale) is dict and len(scale) > 0)
        points = [_non_negative(p) for p in scale.values()]
        _need(all(better >= worse for better, worse in zip(points, points[1:])))  # best first
        maxima.extend(points)
        if rule.get("bonus") is not None:
            bonus = _mapping(rule["bonus"], {"at_least", "points"})
            _need(_id(bonus["at_least"]) in scale)
            maxima.append(_positive(bonus["points"]))
    elif kind == "checklist":
        items = rule["items"]
        _need(type(items) is dict and len(items) > 0)
        for item in items.values():
            entry = _mapping(item, {"title", "points"}, {"if_not_applicable"})
            _text(entry["title"])
            maxima.append(_positive(entry["points"]))
            _need(entry.get("if_not_applicable", "forbidden") in ("full", "forbidden"))
    elif kind == "count_points":
        _positive(rule["per"])
        maxima.append(_positive(rule["cap"]))
    else:  # percent, count_penalty, assessed
        maxima.append(_positive(rule["max"]))
        if kind == "count_penalty":
            _positive(rule["per"])
    return kind, rule


def _deduction(value: Any, maxima: list[Decimal]) -> str:
    deduction = _mapping(value, {"id", "title", "per", "source"}, {"cap"})
    _text(deduction["title"])
    _positive(deduction["per"])
    _need(_text(deduction["source"]).strip() != "")
    if deduction.get("cap") is not None:
        maxima.append(_positive(deduction["cap"]))
    return _id(deduction["id"])


def _award(value: Any, counted: set[str]) -> str:
    award = _mapping(value, {"id", "title", "quota", "min_share"}, {"require_zero"})
    _text(award["title"])
    _whole(award["quota"], 1)
    share = _number(award["min_share"])
    _need(0 < share <= 1)
    _need(all(_id(name) in counted for name in _list(award.get("require_zero", []))))
    return _id(award["id"])


# --- submissions -------------------------------------------------------------------------


def clean_submission(data: Any, rules: Rules, path: PurePath | None = None) -> bool:
    """True if the full checks would find no problem in `data`, a submission for `rules.year`."""
    try:
        _submission(data, rules, path)
    except _Unsure:
        return False
    return True


def year_of(data: Any) -> int | None:
    """The year a submission says it is for, if it says so plainly."""
    year = data.get("year") if type(data) is dict else None
    return year if type(year) is int and year >= 0 else None


def _submission(data: Any, rules: Rules, path: PurePath | None) -> None:
    top = _mapping(data, {"department", "year", "criteria"}, {"deductions", "self_score"} | _NOTES)
    department = _id(top["department"])
    _need(department in rules.departments and _whole(top["year"], 0) == rules.year)
    if path is not None:
        _need(path.stem == department)
        _need(not path.parent.name.isdigit() or int(path.parent.name) == rules.year)
    for key in _NOTES:
        _optional_text(top.get(key))
    criteria = top["criteria"]
    _need(type(criteria) is dict and criteria.keys() == rules.criteria.keys())
    for criterion_id, value in criteria.items():
        kind, rule = rules.criteria[criterion_id]
        _value(kind, rule, value)
    deductions = _absent_is_empty(top.get("deductions"))
    _need(type(deductions) is dict and deductions.keys() <= rules.deductions)
    for count in deductions.values():
        _whole(count, 0)
    self_score = _absent_is_empty(top.get("self_score"))
    _need(type(self_score) is dict and self_score.keys() <= rules.criteria.keys())
    for points in self_score.values():
        _non_negative(points)


def _absent_is_empty(value: Any) -> Any:
    return {} if value is None else value


def _value(kind: str, rule: dict[str, Any], value: Any) -> None:
    key = _VALUE_KEY[kind]
    entry = _mapping(value, {key}, _NOTES)
    for note in _NOTES:
        _optional_text(entry.get(note))
    given = entry[key]
    if kind == "targets":
        components = _list(given)
        _need(len(components) == rule["count"])
        for component in components:
            _component(component)
    elif kind == "rating":
        _need(_text(given) in rule["scale"])
    elif kind == "percent":
        _need(_non_negative(given) <= 100)
    elif kind == "checklist":
        _need(type(given) is dict and given.keys() == rule["items"].keys())
        for item_id, state in given.items():
            full = rule["items"][item_id].get("if_not_applicable") == "full"
            _need(type(state) is bool or (state == NOT_APPLICABLE and type(state) is str and full))
    elif kind in COUNT_KINDS:
        _whole(given, 0)
    else:  # assessed
        _need(_non_negative(given) <= _number(rule["max"]))


def _component(value: Any) -> None:
    component = _mapping(value, {"name", "target", "actual"}, {"unit", "direction"} | _NOTES)
    _text(component["name"])
    for key in ("unit", *_NOTES):
        _optional_text(component.get(key))
    direction = component.get("direction", "higher")
    _need(direction in ("higher", "lower") and type(direction) is str)
    target = _non_negative(component["target"])
    _non_negative(component["actual"])
    _need(direction == "lower" or target > 0)
