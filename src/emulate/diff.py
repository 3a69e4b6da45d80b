"""What changed between two rulesets, and whom it moves: pure, no I/O.

`diff_rulesets(old, new) -> list[Change]` is the semantic diff of SPEC section 4
(`emulate diff-rules`); `adapt` and `rescore` re-score one year's submissions
under both rulesets (`--rescore`). Nothing here reads files or prints.

Conventions of a `Change` (one JSON record of `diff-rules --format json`):

- Contents, criteria, deductions, awards and departments are matched by `id`,
  never by position or number. A criterion's position is its number (`no`).
- `path` is dotted from the criterion when `criterion` is set (`no`, `title`,
  `content`, `rule.kind`, `rule.points_each`, `rule.scale.tot`,
  `rule.bonus.points`, `rule.titles.tot` (a scale label's title, SPEC 8; its
  points stay `rule.scale.tot`), `rule.items.van-hoa.points`, `source`, `note`), and
  from the ruleset otherwise (`contents.2.title`, `contents.2.max_points`,
  `max_points`, `max_bonus`, `deductions.phe-binh.per`, `awards.co-thi-dua.quota`,
  `tie_breakers`, `departments.so-x.name`, `rounding.places`, `version`).
- A node that exists on one side only is ONE record at its own path, `null`
  on the side where it is missing and a short text naming it on the other:
  a criterion has path `""` and the text "<no> <title>" ("3.2 Phong trào
  ..."); a content (`contents.<id>`), a deduction (`deductions.<id>`) and an
  award (`awards.<id>`) are named by their title, a department
  (`departments.<id>`) by its name. Inside a criterion's rule every leaf is
  its own record: a rating bonus added is `rule.bonus.at_least` and
  `rule.bonus.points` (old `null`); a checklist item added is
  `rule.items.<id>.title`, `.points` and `.if_not_applicable`.
- `op` is `renumbered` for `no`; `added` or `removed` when one side is
  `null` (a node, an optional value such as `previous` or a deduction's
  `cap`, an empty list becoming non-empty); `changed` otherwise.
- `old` and `new` are text or `null`: parameters as written ("0.7", "0.90"),
  derived maxima with their ruleset's places ("650.00"), whole numbers
  (year, quota, places) as digits, lists (tie-breakers, `require_zero`, an
  order) as their items joined by ", ". Numbers compare by value: 0.9 is 0.90.
- Order is reported where the regulation reads it: contents, awards (the
  first is given first), a rating scale (best first) and tie-breakers, as a
  `changed` record at `contents`, `awards` or `rule.scale` holding the
  shared ids in each order. The order of departments, deductions and
  checklist items means nothing and is not reported.
- Derived maxima: each content on both sides (`contents.<id>.max_points`,
  `.max_bonus`) and the whole ruleset (`max_points`, `max_bonus`). A
  criterion's own maxima follow from the parameters reported beside them.
- `aspect` sorts the records: the rules themselves first (in the regulation's
  numbering, content by content, then the whole ruleset), then the
  ruleset's metadata (`ruleset`, `year`, `version`, `title`, `based_on`,
  `previous`, `note`), then sources and notes (a criterion's or deduction's
  `source`, a criterion's `note`). Every record counts as a difference.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from .arithmetic import round_points
from .engine import ScoreCard, bests, rank, score
from .i18n import _
from .kinds import VALUE_MODELS, NotApplicable
from .ruleset import Content, Criterion, Ruleset
from .submission import Submission, check_value

Op = Literal["added", "removed", "changed", "renumbered"]
Aspect = Literal["rules", "metadata", "sources"]
ASPECTS: tuple[Aspect, ...] = ("rules", "metadata", "sources")
METADATA_FIELDS = ("ruleset", "year", "version", "title", "based_on", "previous", "note")


@dataclass(frozen=True)
class Change:
    """One changed leaf value (or one node that exists on one side only)."""

    op: Op
    criterion: str | None
    path: str
    old: str | None
    new: str | None
    aspect: Aspect = "rules"
    content: str | None = None  # the content it is shown under: a criterion's (new side first) or a content's own

    def as_record(self) -> dict[str, Any]:
        """The JSON record of SPEC section 4."""
        return {"op": self.op, "criterion": self.criterion, "path": self.path, "old": self.old, "new": self.new}


# --- formatting leaf values -------------------------------------------------------------


def _scalar(value: Any) -> str | None:
    """A leaf value as the diff shows it: numbers as written, lists joined, empty as null."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(_scalar(v)) for v in value) if value else None
    return str(value)


def _maximum(value: Decimal, ruleset: Ruleset) -> str:
    return f"{round_points(value, ruleset.rounding.places):f}"


def _same(old: Any, new: Any) -> bool:
    """Equal by meaning: numbers by value, lists item by item, empty lists as absent."""
    if isinstance(old, (list, tuple)) or isinstance(new, (list, tuple)):
        return list(old or []) == list(new or [])
    return bool(old == new)


def _leaf(
    criterion: str | None, path: str, old: Any, new: Any, aspect: Aspect = "rules", content: str | None = None
) -> list[Change]:
    """Zero or one record for one leaf; `old`/`new` are raw values (Decimal, int, str, list, None)."""
    if _same(old, new):
        return []
    before, after = _scalar(old), _scalar(new)
    op: Op = "added" if before is None else "removed" if after is None else "changed"
    return [Change(op, criterion, path, before, after, aspect, content)]


def _union(old: Sequence[str], new: Sequence[str]) -> list[str]:
    """The keys of both sides: new's order, each old-only key after the key it followed in old."""
    merged = list(new)
    for i, key in enumerate(old):
        if key not in merged:
            after = old[i - 1] if i else None
            merged.insert(merged.index(after) + 1 if after in merged else 0, key)
    return merged


def _order(
    path: str, old: Sequence[str], new: Sequence[str], criterion: str | None = None, content: str | None = None
) -> list[Change]:
    """A record when the ids both sides share come in another order."""
    shared_old = [k for k in old if k in new]
    shared_new = [k for k in new if k in old]
    if shared_old == shared_new:
        return []
    return [Change("changed", criterion, path, ", ".join(shared_old), ", ".join(shared_new), content=content)]


def _flatten(data: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """Dotted paths to the leaves of a nested mapping (a rule as pydantic dumps it)."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}.{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, path))
        else:
            flat[path] = value
    return flat


# --- criteria -------------------------------------------------------------------------


_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)*\Z")


def _number_key(no: str) -> tuple[Any, ...]:
    """Sorts "3.10" after "3.9"; numbers that are not dotted digits go last, by text."""
    no = no.strip()
    if _NUMBER.match(no):
        return (0, tuple(int(part) for part in no.split(".")), "")
    return (1, (), no)


def _named(criterion: Criterion) -> str:
    return f"{criterion.no} {criterion.title}"


def _rule_changes(criterion_id: str, old: Criterion, new: Criterion, content: str) -> list[Change]:
    changes = _leaf(criterion_id, "rule.kind", old.kind, new.kind, content=content)
    if old.kind == new.kind:
        for key in old.rule.ordered:  # mappings whose order means something (a scale, best first)
            changes += _order(
                f"rule.{key}", list(getattr(old.rule, key)), list(getattr(new.rule, key)), criterion_id, content
            )
    old_leaves = _flatten(old.rule.comparable(), "rule")
    new_leaves = _flatten(new.rule.comparable(), "rule")
    for path in _union(list(old_leaves), list(new_leaves)):
        changes += _leaf(criterion_id, path, old_leaves.get(path), new_leaves.get(path), content=content)
    return changes


def _criterion_changes(
    criterion_id: str, old: tuple[Content, Criterion] | None, new: tuple[Content, Criterion] | None
) -> list[Change]:
    if old is None and new is not None:
        return [Change("added", criterion_id, "", None, _named(new[1]), content=new[0].id)]
    if new is None and old is not None:
        return [Change("removed", criterion_id, "", _named(old[1]), None, content=old[0].id)]
    assert old is not None and new is not None
    (old_content, before), (new_content, after) = old, new
    content = new_content.id
    changes = _leaf(criterion_id, "content", old_content.id, new_content.id, content=content)
    if before.no.strip() != after.no.strip():
        changes.append(Change("renumbered", criterion_id, "no", before.no, after.no, content=content))
    changes += _leaf(criterion_id, "title", before.title, after.title, content=content)
    changes += _rule_changes(criterion_id, before, after, content)
    for key, was, now in (
        ("counts_as", before.counts_as, after.counts_as),
        ("applies_to", before.applies_to, after.applies_to),
        ("except", before.except_, after.except_),
        ("not_applicable", before.not_applicable, after.not_applicable),
        ("scored_by", before.scored_by, after.scored_by),
        ("combine", before.combine, after.combine),
    ):  # SPEC 7: where its points count and whom it applies to
        changes += _leaf(criterion_id, key, was, now, content=content)
    changes += _leaf(criterion_id, "source", before.source, after.source, "sources", content)
    changes += _leaf(criterion_id, "note", before.note, after.note, "sources", content)
    return changes


def _criteria_of(content_id: str, old: Ruleset, new: Ruleset) -> list[str]:
    """The criteria shown under a content: those in it under the new rules, and those removed from it, by number."""
    new_places = {c.id: (content.id, c) for content, c in new.criteria()}
    keyed: list[tuple[tuple[Any, ...], int, str]] = []
    for content, c in new.criteria():
        if content.id == content_id:
            keyed.append((_number_key(c.no), 1, c.id))
    for content, c in old.criteria():
        if content.id == content_id and c.id not in new_places:
            keyed.append((_number_key(c.no), 0, c.id))  # a removed criterion shows before one added at its number
    return [criterion_id for _key, _rank, criterion_id in sorted(keyed)]


# --- the ruleset as a whole -------------------------------------------------------------


def _content_changes(content_id: str, old: Ruleset, new: Ruleset) -> list[Change]:
    before = next((c for c in old.contents if c.id == content_id), None)
    after = next((c for c in new.contents if c.id == content_id), None)
    path = f"contents.{content_id}"
    if before is None and after is not None:
        return [Change("added", None, path, None, after.title, content=content_id)]
    if after is None and before is not None:
        return [Change("removed", None, path, before.title, None, content=content_id)]
    return _leaf(
        None, f"{path}.title", before.title if before else None, after.title if after else None, content=content_id
    )


def _content_maxima(content_id: str, old: Ruleset, new: Ruleset) -> list[Change]:
    before = next((c for c in old.contents if c.id == content_id), None)
    after = next((c for c in new.contents if c.id == content_id), None)
    if before is None or after is None:
        return []
    return [
        change
        for field in ("max_points", "max_bonus")
        for change in _maximum_change(
            f"contents.{content_id}.{field}", getattr(before, field), getattr(after, field), old, new, content_id
        )
    ]


def _maximum_change(
    path: str, before: Decimal, after: Decimal, old: Ruleset, new: Ruleset, content: str | None = None
) -> list[Change]:
    if before == after:
        return []
    return [Change("changed", None, path, _maximum(before, old), _maximum(after, new), content=content)]


def _by_id(items: Iterable[Any]) -> dict[str, Any]:
    return {item.id: item for item in items}


def _entities(
    kind: str, old: Iterable[Any], new: Iterable[Any], name: str, fields: Sequence[str], sources: Sequence[str] = ()
) -> list[Change]:
    """Deductions, awards or departments: matched by id; a whole one added or removed is named by `name`."""
    before, after = _by_id(old), _by_id(new)
    changes: list[Change] = []
    for entity_id in _union(list(before), list(after)):
        path = f"{kind}.{entity_id}"
        if entity_id not in before:
            changes.append(Change("added", None, path, None, getattr(after[entity_id], name)))
        elif entity_id not in after:
            changes.append(Change("removed", None, path, getattr(before[entity_id], name), None))
        else:
            for field in fields:
                was, now = getattr(before[entity_id], field), getattr(after[entity_id], field)
                if isinstance(was, list) and set(was) == set(now):
                    continue  # an award's require_zero: a set of ids, in any order
                aspect: Aspect = "sources" if field in sources else "rules"
                changes += _leaf(None, f"{path}.{field}", was, now, aspect)
    return changes


def _ruleset_changes(old: Ruleset, new: Ruleset) -> list[Change]:
    changes = _order("contents", [c.id for c in old.contents], [c.id for c in new.contents])
    changes += _maximum_change("max_points", old.max_points, new.max_points, old, new)
    changes += _maximum_change("max_bonus", old.max_bonus, new.max_bonus, old, new)
    changes += _entities(
        "deductions", old.deductions, new.deductions, "title", ("title", "per", "cap", "source"), sources=("source",)
    )
    conditions = ("min_share", "min_points", "min_criterion_share", "require_zero", "when")
    changes += _entities(
        "awards",
        old.awards,
        new.awards,
        "title",
        ("title", "quota", *conditions, "exclusive", "across_groups", "ballot_share", "ballot_inclusive"),
    )
    changes += _entities("classification", old.classification, new.classification, "title", ("title", *conditions))
    changes += _order("classification", [c.id for c in old.classification], [c.id for c in new.classification])
    changes += _entities("groups", old.groups, new.groups, "title", ("title",))
    changes += _entities("bodies", old.bodies, new.bodies, "name", ("name",))
    for key in ("floor", "compare", "rank_by_class"):
        changes += _leaf(None, key, getattr(old, key), getattr(new, key))
    changes += _maximum_change("max_deductions", old.max_deductions, new.max_deductions, old, new)
    changes += _order("awards", [a.id for a in old.awards], [a.id for a in new.awards])
    changes += _leaf(None, "tie_breakers", old.tie_breakers, new.tie_breakers)
    changes += _entities("departments", old.departments, new.departments, "name", ("name", "role", "group"))
    changes += _leaf(None, "rounding.places", old.rounding.places, new.rounding.places)
    changes += _leaf(None, "rounding.mode", old.rounding.mode, new.rounding.mode)
    return changes


def _metadata_changes(old: Ruleset, new: Ruleset) -> list[Change]:
    return [
        change
        for field in METADATA_FIELDS
        for change in _leaf(None, field, getattr(old, field), getattr(new, field), "metadata")
    ]


def diff_rulesets(old: Ruleset, new: Ruleset) -> list[Change]:
    """Every difference from `old` to `new`: the rules content by content, the whole ruleset, metadata, sources."""
    old_places = {c.id: (content, c) for content, c in old.criteria()}
    new_places = {c.id: (content, c) for content, c in new.criteria()}
    changes: list[Change] = []
    for content_id in _union([c.id for c in old.contents], [c.id for c in new.contents]):
        changes += _content_changes(content_id, old, new)
        for criterion_id in _criteria_of(content_id, old, new):
            changes += _criterion_changes(criterion_id, old_places.get(criterion_id), new_places.get(criterion_id))
        changes += _content_maxima(content_id, old, new)
    changes += _ruleset_changes(old, new)
    changes += _metadata_changes(old, new)
    return sorted(changes, key=lambda c: ASPECTS.index(c.aspect))  # stable: each aspect keeps the regulation's order


# --- re-scoring a year's submissions under both rulesets ------------------------------------


@dataclass(frozen=True)
class InputNote:
    """A value the other rules cannot use as submitted (missing: scored 0; ignored: left out), and why."""

    name: str  # a criterion or deduction id
    reason: str


def adapt(
    submission: Submission, ruleset: Ruleset, written_for: Ruleset | None = None
) -> tuple[Submission, list[InputNote], list[InputNote]]:
    """The submission as `ruleset` can score it: (submission, missing inputs, ignored inputs).

    A value is kept when its criterion exists in `ruleset` with the same kind as
    in `written_for` (the ruleset the submission was validated against; without
    it, a value of the right shape is taken as the same kind) and the value is
    still valid there (the checks of validation: labels, items, number of
    targets, maxima); otherwise the criterion scores 0 and is listed as missing,
    with the reason. Values and deductions that `ruleset` does not have are left
    out and listed as ignored.
    """
    year = submission.year
    values: dict[str, Any] = {}
    missing: list[InputNote] = []
    ignored: list[InputNote] = []
    for _content, criterion in ruleset.criteria():
        value = submission.criteria.get(criterion.id)
        if not ruleset.applies(criterion, submission.department):  # left out of the unit's score and maximum
            if value is not None:
                ignored.append(
                    InputNote(
                        criterion.id,
                        _("{no} does not apply to {department} under the {year} rules: ignored").format(
                            no=criterion.no, department=submission.department, year=ruleset.year
                        ),
                    )
                )
            continue
        if value is None:
            missing.append(
                InputNote(
                    criterion.id,
                    _("{no} has no value in the {year} submission: scored 0").format(no=criterion.no, year=year),
                )
            )
            continue
        if isinstance(value, NotApplicable):  # declared not applicable: kept where these rules allow it
            if criterion.not_applicable == "allowed":
                values[criterion.id] = value
            else:
                missing.append(
                    InputNote(
                        criterion.id,
                        _(
                            "{no} was declared not applicable in {year}, which these rules do not allow: scored 0"
                        ).format(no=criterion.no, year=year),
                    )
                )
            continue
        own = written_for.criterion(criterion.id) if written_for is not None else None
        if not isinstance(value, VALUE_MODELS[criterion.kind]) or (own is not None and own.kind != criterion.kind):
            if own is not None:
                reason = _(
                    "{no} is {kind} here, but was {old_kind} when the {year} value was written: scored 0"
                ).format(no=criterion.no, kind=criterion.kind, old_kind=own.kind, year=year)
            else:
                reason = _("{no} is {kind} here, and the {year} value does not fit it: scored 0").format(
                    no=criterion.no, kind=criterion.kind, year=year
                )
            missing.append(InputNote(criterion.id, reason))
            continue
        messages: list[str] = []
        if check_value(
            criterion,
            value,
            ("criteria", criterion.id),
            lambda _at, _code, message, _key=False, messages=messages: messages.append(message),
        ):
            missing.append(
                InputNote(
                    criterion.id,
                    _("the {year} value does not fit these rules ({problem}): scored 0").format(
                        year=year, problem=messages[0]
                    ),
                )
            )
            continue
        values[criterion.id] = value
    for criterion_id in submission.criteria:
        if ruleset.criterion(criterion_id) is None:
            ignored.append(
                InputNote(criterion_id, _("not a criterion of the {year} rules: ignored").format(year=ruleset.year))
            )
    deductions: dict[str, int] = {}
    for deduction in ruleset.deductions:
        if deduction.id in submission.deductions:
            deductions[deduction.id] = submission.deductions[deduction.id]
        else:
            deductions[deduction.id] = 0
            missing.append(
                InputNote(
                    deduction.id, _("deduction with no count in the {year} submission: counted 0").format(year=year)
                )
            )
    for deduction_id, count in submission.deductions.items():
        if ruleset.deduction(deduction_id) is None:
            if count:
                reason = _("not a deduction of the {year} rules: its {count} occurrence(s) are not deducted").format(
                    year=ruleset.year, count=count
                )
            else:
                reason = _("not a deduction of the {year} rules: ignored").format(year=ruleset.year)
            ignored.append(InputNote(deduction_id, reason))
    adapted = Submission(
        department=submission.department,
        year=submission.year,
        criteria=values,
        deductions=deductions,
        self_score={k: v for k, v in submission.self_score.items() if k in values},
        file=submission.file,
        sha256=submission.sha256,
    )
    return adapted, missing, ignored


@dataclass(frozen=True)
class Side:
    """One unit under one side's rules."""

    total: Decimal
    places: int
    rank: int | None  # None: the unit is not compared, so not ranked
    award: str | None
    missing: tuple[InputNote, ...]
    ignored: tuple[InputNote, ...]


@dataclass(frozen=True)
class UnitImpact:
    department: str
    name: str
    old: Side | None  # None: the old rules do not list the unit
    new: Side | None
    reason: str | None = None  # why the unit could not be compared

    @property
    def rank_movement(self) -> int | None:
        """Places gained (negative: lost)."""
        if self.old is None or self.new is None or self.old.rank is None or self.new.rank is None:
            return None
        return self.old.rank - self.new.rank

    @property
    def total_change(self) -> Decimal | None:
        if self.old is None or self.new is None:
            return None
        return self.new.total - self.old.total


@dataclass(frozen=True)
class Impact:
    """A year's submissions scored and ranked under the old and the new rules."""

    year: int | None  # the submissions' year
    units: tuple[UnitImpact, ...]
    without_submission: tuple[str, ...]  # units listed by either ruleset that have no submission


def _scored(
    ruleset: Ruleset, submissions: Sequence[Submission], written_for: Ruleset | None
) -> dict[str, tuple[ScoreCard, list[InputNote], list[InputNote]]]:
    result = {}
    adapted = [(submission, *adapt(submission, ruleset, written_for)) for submission in submissions]
    found = bests(ruleset, [scorable for _submission, scorable, _missing, _ignored in adapted])
    for submission, scorable, missing, ignored in adapted:
        result[submission.department] = (score(ruleset, scorable, found), missing, ignored)
    return result


def _side(
    ruleset: Ruleset,
    scored: tuple[ScoreCard, list[InputNote], list[InputNote]] | None,
    ranks: Mapping[str, tuple[int, str | None]],
) -> Side | None:
    if scored is None:
        return None
    card, missing, ignored = scored
    rank_, award = ranks.get(card.department, (None, None))
    return Side(card.total, ruleset.rounding.places, rank_, award, tuple(missing), tuple(ignored))


def rescore(
    old: Ruleset, new: Ruleset, submissions: Sequence[Submission], written_for: Ruleset | None = None
) -> Impact:
    """Score every submission under both rulesets; rank the units both list, among themselves.

    `written_for` is the ruleset the submissions were validated against (see `adapt`).
    """
    old_members = {d.id for d in old.departments}
    new_members = {d.id for d in new.departments}
    listed_old = [s for s in submissions if s.department in old_members]
    listed_new = [s for s in submissions if s.department in new_members]
    old_scored, new_scored = _scored(old, listed_old, written_for), _scored(new, listed_new, written_for)
    compared = [s.department for s in submissions if s.department in old_members and s.department in new_members]
    old_ranking = rank(old, [old_scored[d][0] for d in compared])
    new_ranking = rank(new, [new_scored[d][0] for d in compared])
    old_ranks = {u.card.department: (u.rank, u.award) for u in old_ranking.units}
    new_ranks = {u.card.department: (u.rank, u.award) for u in new_ranking.units}
    units = []
    for submission in submissions:
        department = submission.department
        reason = None
        if department not in old_members and department not in new_members:
            reason = _("neither the {old_year} nor the {new_year} rules list it").format(
                old_year=old.year, new_year=new.year
            )
        elif department not in old_members:
            reason = _("the old rules ({year}) do not list it").format(year=old.year)
        elif department not in new_members:
            reason = _("the new rules ({year}) do not list it").format(year=new.year)
        member = new.department(department) or old.department(department)
        units.append(
            UnitImpact(
                department,
                member.name if member else department,
                _side(old, old_scored.get(department), old_ranks),
                _side(new, new_scored.get(department), new_ranks),
                reason,
            )
        )
    order = {u.card.department: i for i, u in enumerate(new_ranking.units)}
    units.sort(key=lambda u: (order.get(u.department, len(order)), u.department))
    submitted = {s.department for s in submissions}
    listed = _union([d.id for d in old.departments], [d.id for d in new.departments])
    year = submissions[0].year if submissions else None
    return Impact(year, tuple(units), tuple(d for d in listed if d not in submitted))
