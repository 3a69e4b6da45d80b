"""The published record (`score --format json`) and checking it against the workspace.

Pure: `compare(record, recomputed)` lists every number, rank and award of a
saved record that the workspace no longer reproduces, and `input_changes`
lists the inputs whose sha256 differs. Reading the files is the CLI's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .i18n import _


class NotARecord(ValueError):
    """The JSON is not a `score --format json` record."""


@dataclass(frozen=True)
class InputStatus:
    file: str
    status: str  # unchanged | changed | missing | new
    record_sha256: str | None
    current_sha256: str | None


@dataclass(frozen=True)
class Difference:
    path: str
    record: Any
    recomputed: Any


def check_shape(record: Any) -> dict[str, Any]:
    """The record, if it has the shape of a score record; NotARecord otherwise."""
    if not isinstance(record, dict):
        raise NotARecord(_("the file is not a JSON object"))
    for key, kind in (("year", int), ("ruleset", dict), ("ranking", list), ("max_points", str)):
        if not isinstance(record.get(key), kind) or isinstance(record.get(key), bool):
            raise NotARecord(_("it has no '{key}' of the right type").format(key=key))
    if not isinstance(record["ruleset"].get("sha256"), str):
        raise NotARecord(_("it has no ruleset.sha256"))
    for row in record["ranking"]:
        if not isinstance(row, dict) or not isinstance(row.get("department"), str):
            raise NotARecord(_("a ranking entry has no department"))
    return record


def uses_review(record: dict[str, Any]) -> bool:
    return bool(record.get("basis", "reviewed" if record.get("review") else "self-declared") == "reviewed")


def input_changes(record: dict[str, Any], current: dict[str, Any], names: dict[str, str]) -> list[InputStatus]:
    """Compare the sha256 of every input.

    `names[key]` is the file shown for the ruleset, 'review' and each department.
    """

    def status(name: str, old: str | None, new: str | None) -> InputStatus:
        if old is None:
            return InputStatus(name, "new", None, new)
        if new is None:
            return InputStatus(name, "missing", old, None)
        return InputStatus(name, "unchanged" if old == new else "changed", old, new)

    out = [status(names["ruleset"], record["ruleset"].get("sha256"), current["ruleset"]["sha256"])]
    old_units = {row["department"]: row.get("submission_sha256") for row in record["ranking"]}
    new_units = {row["department"]: row.get("submission_sha256") for row in current["ranking"]}
    for department in sorted(set(old_units) | set(new_units)):
        out.append(status(names.get(department, department), old_units.get(department), new_units.get(department)))
    old_review = (record.get("review") or {}).get("sha256")
    new_review = (current.get("review") or {}).get("sha256")
    if old_review is not None or new_review is not None:
        out.append(status(names["review"], old_review, new_review))
    return out


_UNIT_KEYS = ("name", "rank", "tied", "total", "base", "bonus", "deductions", "award")


def compare(record: dict[str, Any], current: dict[str, Any]) -> list[Difference]:
    """Every value of the record that the recomputation does not reproduce."""
    out: list[Difference] = []

    def same(path: str, old: Any, new: Any) -> None:
        if old != new:
            out.append(Difference(path, old, new))

    for key in ("year", "max_points", "max_bonus", "missing"):
        same(key, record.get(key), current.get(key))
    same("ruleset.version", record["ruleset"].get("version"), current["ruleset"]["version"])
    old_units = {row["department"]: row for row in record["ranking"]}
    new_units = {row["department"]: row for row in current["ranking"]}
    for department in [row["department"] for row in current["ranking"]] + sorted(set(old_units) - set(new_units)):
        old, new = old_units.get(department), new_units.get(department)
        if old is None or new is None:
            same(f"ranking.{department}", None if old is None else "ranked", None if new is None else "ranked")
            continue
        for key in _UNIT_KEYS:
            same(f"ranking.{department}.{key}", old.get(key), new.get(key))
        for content in sorted(set(old.get("contents", {})) | set(new["contents"])):
            same(
                f"ranking.{department}.contents.{content}",
                old.get("contents", {}).get(content),
                new["contents"].get(content),
            )
        old_criteria, new_criteria = old.get("criteria", {}), new["criteria"]
        for criterion in list(new_criteria) + sorted(set(old_criteria) - set(new_criteria)):
            before, after = old_criteria.get(criterion) or {}, new_criteria.get(criterion) or {}
            for key in sorted(set(before) | set(after)):
                same(f"ranking.{department}.criteria.{criterion}.{key}", before.get(key), after.get(key))
    old_review, new_review = record.get("review") or {}, current.get("review") or {}
    old_adjustments, new_adjustments = old_review.get("adjustments") or [], new_review.get("adjustments") or []
    for i in range(max(len(old_adjustments), len(new_adjustments))):
        before = old_adjustments[i] if i < len(old_adjustments) else {}
        after = new_adjustments[i] if i < len(new_adjustments) else {}
        for key in sorted(set(before) | set(after)):
            same(f"review.adjustments.{i + 1}.{key}", before.get(key), after.get(key))
    return out
