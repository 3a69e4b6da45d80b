"""The published record (`score --format json`) and checking it against the workspace.

Pure: `parse` reads the bytes of a record and checks its shape (every key
known, every type right, one entry per unit, ranks in order), `compare(record,
recomputed)` lists every value of a saved record that the workspace no longer
reproduces, order included, and `input_changes` lists the inputs whose sha256
differs. Reading the file is the CLI's job.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .i18n import _

#: `verify` reads records up to this size (SPEC 10); a province's record of 5,000 units is ~15 MiB
MAX_RECORD_BYTES = 64 * 1024 * 1024


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


def _short(text: str) -> str:
    """A key or value of the record as a message quotes it: at most 80 characters, no control characters."""
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= 80 else text[:79] + "…"


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refused when a key appears twice (the last one would win unseen)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise NotARecord(_("the key '{key}' appears twice in one object").format(key=_short(key)))
        out[key] = value
    return out


def parse(data: bytes) -> dict[str, Any]:
    """The record in `data` (the bytes of a file), its shape checked; NotARecord otherwise."""
    if len(data) > MAX_RECORD_BYTES:
        raise NotARecord(_("it is larger than {size} MiB").format(size=MAX_RECORD_BYTES // (1024 * 1024)))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotARecord(_("it is not valid UTF-8 JSON")) from None
    try:
        value = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except RecursionError:
        # the C decoder stops, cleanly, a thousand levels down; what nests less deep than
        # that but deeper than a record is refused by `check_shape`, which walks the
        # record's own shape (five levels), never the data's
        raise NotARecord(_("it nests deeper than a record does")) from None
    except ValueError as exc:
        if isinstance(exc, NotARecord):
            raise
        raise NotARecord(_("it is not valid UTF-8 JSON")) from None
    return check_shape(value)


def _no_constant(name: str) -> Any:
    raise NotARecord(_("'{value}' is not a value of a record").format(value=name))


Check = Callable[[Any, str], None]


def _wrong(path: str, expected: str) -> NotARecord:
    return NotARecord(_("'{path}' must be {expected}").format(path=_short(path), expected=expected))


def _integer(value: Any, path: str) -> None:
    # bool is an int to Python, never to a record: `"rank": true` is refused
    if not isinstance(value, int) or isinstance(value, bool):
        raise _wrong(path, _("a whole number"))


def _boolean(value: Any, path: str) -> None:
    if not isinstance(value, bool):
        raise _wrong(path, _("true or false"))


def _text(value: Any, path: str) -> None:
    if not isinstance(value, str):
        raise _wrong(path, _("a text"))


def _optional_text(value: Any, path: str) -> None:
    if value is not None and not isinstance(value, str):
        raise _wrong(path, _("a text or null"))


def _decimal(value: Any, path: str) -> None:
    """A number as the record writes it: a decimal string such as "612.34"."""
    try:
        ok = isinstance(value, str) and len(value) <= 40 and Decimal(value).is_finite() and "e" not in value.lower()
    except InvalidOperation:
        ok = False
    if not ok:
        raise _wrong(path, _('a decimal number written as text, like "12.50"'))


def _one_of(*choices: str) -> Check:
    def check(value: Any, path: str) -> None:
        if value not in choices:
            raise _wrong(path, " | ".join(f'"{c}"' for c in choices))

    return check


def _list_of(item: Check) -> Check:
    def check(value: Any, path: str) -> None:
        if not isinstance(value, list):
            raise _wrong(path, _("a list"))
        for i, element in enumerate(value):
            item(element, f"{path}[{i}]")

    return check


def _map_of(item: Check) -> Check:
    def check(value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise _wrong(path, _("an object"))
        for key, element in value.items():
            item(element, f"{path}.{key}")

    return check


def _object(required: dict[str, Check], optional: dict[str, Check] | None = None) -> Check:
    """An object with exactly these keys (and perhaps the optional ones), each of its type."""
    optional = optional or {}

    def check(value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise _wrong(path or _("the file"), _("an object"))
        prefix = f"{path}." if path else ""
        for key in value:
            if key not in required and key not in optional:
                raise NotARecord(_("'{path}' is not a key of a record").format(path=_short(prefix + key)))
        for key, item in required.items():
            if key not in value:
                raise NotARecord(_("'{path}' is missing").format(path=prefix + key))
            item(value[key], prefix + key)
        for key, item in optional.items():
            if key in value:
                item(value[key], prefix + key)

    return check


def _nullable(item: Check) -> Check:
    def check(value: Any, path: str) -> None:
        if value is not None:
            item(value, path)

    return check


_CRITERION = _object(
    {
        "no": _text,
        "points": _decimal,
        "bonus": _decimal,
        "counts_as": _one_of("base", "bonus", "deduction"),
        "not_applicable": _boolean,
    },
    {
        "claimed": _decimal,
        # scored by others (SPEC 7.7)
        "scored_by": _text,
        "combine": _optional_text,
        "scores": _map_of(_decimal),
        "dropped": _list_of(_text),
    },
)
_UNIT = _object(
    {
        "rank": _integer,
        "tied": _boolean,
        "department": _text,
        "name": _text,
        "total": _decimal,
        "base": _decimal,
        "bonus": _decimal,
        "deductions": _decimal,
        "contents": _map_of(_decimal),
        "criteria": _map_of(_CRITERION),
        "award": _optional_text,
        "awards": _list_of(_text),
        "class": _optional_text,
        "group": _optional_text,
        "own_max": _decimal,
        "share": _nullable(_decimal),
        "submission_sha256": _text,
    },
    {"carried": _optional_text},
)
_BALLOT = _object({"award": _text, "voters": _integer, "votes": _map_of(_integer), "carried": _list_of(_text)})
_ADJUSTMENT = _object(
    {"department": _text, "self_declared": _decimal, "reviewed": _decimal, "reason": _text},
    {"criterion": _text, "no": _text, "deduction": _text},
)
_REVIEW = _object({"sha256": _text, "reviewed_by": _text, "date": _optional_text, "adjustments": _list_of(_ADJUSTMENT)})
_RECORD = _object(
    {
        "year": _integer,
        "ruleset": _object({"id": _text, "version": _text, "sha256": _text}),
        "max_points": _decimal,
        "max_bonus": _decimal,
        "ranking": _list_of(_UNIT),
        "missing": _list_of(_text),
        "basis": _one_of("reviewed", "self-declared"),
        "reviewed_by": _optional_text,
        "date": _optional_text,
        "review": _nullable(_REVIEW),
        "emulate_version": _text,
    },
    {"ballots": _list_of(_BALLOT), "assessments": _map_of(_text)},
)


def check_shape(record: Any) -> dict[str, Any]:
    """The record, if it has the shape of a score record; NotARecord (saying where it differs) otherwise."""
    if not isinstance(record, dict):
        raise NotARecord(_("the file is not a JSON object"))
    _RECORD(record, "")
    seen: set[str] = set()
    groups: set[str | None] = set()
    place = 0
    for i, row in enumerate(record["ranking"]):
        department = row["department"]
        if department in seen:
            # the last entry of a unit would win a lookup by department: a forged first place
            raise NotARecord(
                _("'{department}' has more than one entry in the ranking").format(department=_short(department))
            )
        seen.add(department)
        previous = record["ranking"][i - 1] if i else None
        if previous is None or previous["group"] != row["group"]:
            # each group is ranked on its own (SPEC 7.6): its ranks restart at 1, its units together
            if row["group"] in groups:
                raise NotARecord(
                    _("the units of group '{group}' are not together in the ranking").format(
                        group=_short(str(row["group"]))
                    )
                )
            groups.add(row["group"])
            place = 0
        place += 1
        shares = (
            previous is not None
            and previous["group"] == row["group"]
            and row["rank"] == previous["rank"]
            and row["tied"]
            and previous["tied"]
        )
        if row["rank"] != place and not shares:
            raise NotARecord(
                _("the ranks are not in order: entry {n} ({department}) has rank {rank}").format(
                    n=i + 1, department=_short(department), rank=row["rank"]
                )
            )
    if len(set(record["missing"])) != len(record["missing"]) or seen & set(record["missing"]):
        raise NotARecord(_("a unit is listed twice in 'missing', or both ranked and missing"))
    for adjustment in (record["review"] or {}).get("adjustments", []):
        if ("criterion" in adjustment) == ("deduction" in adjustment) or ("no" in adjustment) != (
            "criterion" in adjustment
        ):
            raise NotARecord(_("an adjustment of the review must name a criterion (with its no) or a deduction"))
    if (record["basis"] == "reviewed") != (record["review"] is not None):
        raise NotARecord(_("'basis' says \"reviewed\" exactly when the record has a 'review'"))
    return record


def uses_review(record: dict[str, Any]) -> bool:
    return bool(record["basis"] == "reviewed")


def input_changes(record: dict[str, Any], current: dict[str, Any], names: dict[str, str]) -> list[InputStatus]:
    """Compare the sha256 of every input.

    `names[key]` is the file shown for the ruleset, 'review', each department and each
    'assessment:<scorer>'.
    """

    def status(name: str, old: str | None, new: str | None) -> InputStatus:
        if old is None:
            return InputStatus(name, "new", None, new)
        if new is None:
            return InputStatus(name, "missing", old, None)
        return InputStatus(name, "unchanged" if old == new else "changed", old, new)

    out = [status(names["ruleset"], record["ruleset"]["sha256"], current["ruleset"]["sha256"])]
    old_units = {row["department"]: row["submission_sha256"] for row in record["ranking"]}
    new_units = {row["department"]: row["submission_sha256"] for row in current["ranking"]}
    for department in sorted(set(old_units) | set(new_units)):
        out.append(status(names.get(department, department), old_units.get(department), new_units.get(department)))
    old_assessed, new_assessed = record.get("assessments") or {}, current.get("assessments") or {}
    for scorer in sorted(set(old_assessed) | set(new_assessed)):
        name = names.get(f"assessment:{scorer}", scorer)
        out.append(status(name, old_assessed.get(scorer), new_assessed.get(scorer)))
    old_review = (record["review"] or {}).get("sha256")
    new_review = (current["review"] or {}).get("sha256")
    if old_review is not None or new_review is not None:
        out.append(status(names["review"], old_review, new_review))
    return out


_UNIT_KEYS = (
    "name",
    "rank",
    "tied",
    "total",
    "base",
    "bonus",
    "deductions",
    "award",
    "awards",
    "class",
    "group",
    "own_max",
    "share",
    "carried",
)
#: compared as they are: every top-level value but the ranking and the review, which are compared entry by entry
_TOP_KEYS = ("year", "emulate_version", "max_points", "max_bonus", "missing", "basis", "reviewed_by", "date", "ballots")


#: the keys whose values are decimal numbers written as text: "12.5" and "12.50" are the same value
_NUMBER_KEYS = frozenset(
    {"total", "base", "bonus", "deductions", "own_max", "share", "points", "claimed", "self_declared", "reviewed"}
    | {"max_points", "max_bonus"}
)


def _same_number(path: str, old: Any, new: Any) -> bool:
    """Whether two numbers differ only in how they are written ("12.5", "12.50", 12.5): not a difference of value."""
    if path.rsplit(".", 1)[-1] not in _NUMBER_KEYS and ".contents." not in path:
        return False
    try:
        return bool(Decimal(str(old)) == Decimal(str(new))) if not isinstance(old, bool) and old is not None else False
    except InvalidOperation:
        return False


def compare(record: dict[str, Any], current: dict[str, Any]) -> list[Difference]:
    """Every value of the record that the recomputation does not reproduce, the order of the ranking included.

    `record` has passed `check_shape`.
    """
    out: list[Difference] = []

    def same(path: str, old: Any, new: Any) -> None:
        if old != new and not _same_number(path, old, new):
            out.append(Difference(path, old, new))

    for key in _TOP_KEYS:
        same(key, record.get(key), current.get(key))
    same("ruleset.id", record["ruleset"]["id"], current["ruleset"]["id"])
    same("ruleset.version", record["ruleset"]["version"], current["ruleset"]["version"])
    # the order is the ranking: two entries swapped (their ranks kept) name the wrong unit at a place
    for i in range(max(len(record["ranking"]), len(current["ranking"]))):
        before = record["ranking"][i]["department"] if i < len(record["ranking"]) else None
        after = current["ranking"][i]["department"] if i < len(current["ranking"]) else None
        same(f"ranking[{i}].department", before, after)
    old_units = {row["department"]: row for row in record["ranking"]}
    new_units = {row["department"]: row for row in current["ranking"]}
    for department in [row["department"] for row in current["ranking"]] + sorted(set(old_units) - set(new_units)):
        old, new = old_units.get(department), new_units.get(department)
        if old is None or new is None:
            same(f"ranking.{department}", None if old is None else "ranked", None if new is None else "ranked")
            continue
        for key in _UNIT_KEYS:
            same(f"ranking.{department}.{key}", old.get(key), new.get(key))
        for content in sorted(set(old["contents"]) | set(new["contents"])):
            same(f"ranking.{department}.contents.{content}", old["contents"].get(content), new["contents"].get(content))
        old_criteria, new_criteria = old["criteria"], new["criteria"]
        for criterion in list(new_criteria) + sorted(set(old_criteria) - set(new_criteria)):
            before_c, after_c = old_criteria.get(criterion) or {}, new_criteria.get(criterion) or {}
            for key in sorted(set(before_c) | set(after_c)):
                same(f"ranking.{department}.criteria.{criterion}.{key}", before_c.get(key), after_c.get(key))
    old_review, new_review = record["review"] or {}, current["review"] or {}
    for key in ("reviewed_by", "date"):
        same(f"review.{key}", old_review.get(key), new_review.get(key))
    old_adjustments, new_adjustments = old_review.get("adjustments") or [], new_review.get("adjustments") or []
    for i in range(max(len(old_adjustments), len(new_adjustments))):
        before_a = old_adjustments[i] if i < len(old_adjustments) else {}
        after_a = new_adjustments[i] if i < len(new_adjustments) else {}
        for key in sorted(set(before_a) | set(after_a)):
            same(f"review.adjustments.{i + 1}.{key}", before_a.get(key), after_a.get(key))
    return out
