"""`emulate schema`: a JSON Schema (draft-07) of one year's submissions, for editors.

Pure: built from the ruleset, with each criterion's number, title, rule and
source as the title and description an editor shows while typing.
"""

from __future__ import annotations

from typing import Any

from .i18n import _
from .ruleset import Criterion, Ruleset

_TEXT = {"type": "string"}
_NUMBER = {"type": "number", "minimum": 0}


def _value_schema(criterion: Criterion) -> dict[str, Any]:
    key, schema = criterion.rule.value_schema()
    common = {"evidence": _TEXT, "note": _TEXT}
    value: dict[str, Any] = {
        "type": "object",
        "title": f"{criterion.no} {criterion.title}",
        "description": _("{kind}: {rule}. Source: {source}").format(
            kind=criterion.kind, rule=criterion.rule.describe(), source=criterion.source
        ),
        "required": [key],
        "additionalProperties": False,
        "properties": {key: schema, **common},
    }
    if criterion.not_applicable != "allowed":
        return value
    declared = {
        "type": "object",
        "title": _("not applicable to this unit"),
        "required": ["not_applicable", "reason"],
        "additionalProperties": False,
        "properties": {"not_applicable": {"const": True}, "reason": _TEXT, **common},
    }
    return {"title": value["title"], "description": value["description"], "oneOf": [value, declared]}


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
                # a criterion for some units only cannot be required of all
                "required": [
                    c.id
                    for _, c in ruleset.criteria()
                    if c.applies_to is None and c.except_ is None and not c.by_others
                ],
                "additionalProperties": False,
                "properties": {c.id: _value_schema(c) for _, c in ruleset.criteria() if not c.by_others},
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
