"""`emulate schema`: a JSON Schema (draft-07) of one year's submissions, for editors.

Pure: built from the ruleset, with each criterion's number, title, rule and
source as the title and description an editor shows while typing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .i18n import _
from .render.rules import describe_rule
from .ruleset import AssessedRule, ChecklistRule, Criterion, PercentRule, RatingRule, Ruleset, TargetsRule

_TEXT = {"type": "string"}
_NUMBER = {"type": "number", "minimum": 0}


def _num(value: Decimal) -> int | float | str:
    # JSON Schema bounds are JSON numbers; these come from the ruleset, not from points
    return int(value) if value == value.to_integral_value() else float(str(value))  # float ok: a schema bound


def _value_schema(criterion: Criterion) -> dict[str, Any]:
    rule = criterion.rule
    common = {"evidence": _TEXT, "note": _TEXT}
    if isinstance(rule, TargetsRule):
        component = {
            "type": "object",
            "required": ["name", "target", "actual"],
            "additionalProperties": False,
            "properties": {
                "name": {**_TEXT, "description": _("what is measured")},
                "unit": _TEXT,
                "direction": {"enum": ["higher", "lower"], "default": "higher"},
                "target": _NUMBER,
                "actual": _NUMBER,
                "evidence": _TEXT,
                "note": _TEXT,
            },
        }
        key, schema = "targets", {"type": "array", "minItems": rule.count, "maxItems": rule.count, "items": component}
    elif isinstance(rule, RatingRule):
        key, schema = "rating", {"enum": list(rule.scale)}
    elif isinstance(rule, PercentRule):
        key, schema = "percent", {"type": "number", "minimum": 0, "maximum": 100}
    elif isinstance(rule, ChecklistRule):
        items = {}
        for item_id, item in rule.items.items():
            states: list[Any] = [True, False] + (["not_applicable"] if item.if_not_applicable == "full" else [])
            items[item_id] = {"enum": states, "title": item.title}
        key, schema = (
            "items",
            {"type": "object", "required": list(rule.items), "additionalProperties": False, "properties": items},
        )
    elif isinstance(rule, AssessedRule):
        key, schema = "points", {"type": "number", "minimum": 0, "maximum": _num(rule.max)}
    else:
        key, schema = "count", {"type": "integer", "minimum": 0}
    return {
        "type": "object",
        "title": f"{criterion.no} {criterion.title}",
        "description": _("{kind}: {rule}. Source: {source}").format(
            kind=criterion.kind, rule=describe_rule(criterion), source=criterion.source
        ),
        "required": [key],
        "additionalProperties": False,
        "properties": {key: schema, **common},
    }


def submission_schema(ruleset: Ruleset) -> dict[str, Any]:
    ids = ruleset.criterion_ids
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": _("Submission for {title} (version {version})").format(title=ruleset.title, version=ruleset.version),
        "type": "object",
        "required": ["department", "year", "criteria"],
        "additionalProperties": False,
        "properties": {
            "department": {
                "enum": [d.id for d in ruleset.departments],
                "description": "; ".join(f"{d.id}: {d.name}" for d in ruleset.departments),
            },
            "year": {"const": ruleset.year},
            "criteria": {
                "type": "object",
                "required": ids,
                "additionalProperties": False,
                "properties": {c.id: _value_schema(c) for _, c in ruleset.criteria()},
            },
            "deductions": {
                "type": "object",
                "additionalProperties": False,
                "properties": {d.id: {"type": "integer", "minimum": 0, "title": d.title} for d in ruleset.deductions},
            },
            "self_score": {
                "type": "object",
                "additionalProperties": False,
                "properties": dict.fromkeys(ids, _NUMBER),
            },
            "evidence": _TEXT,
            "note": _TEXT,
        },
    }
