"""The ranked table of a year: rich table, JSON record, CSV for Excel, Markdown."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .. import __version__
from ..assessment import published_scores
from ..engine import Place, RankedUnit, Ranking, ScoreCard
from ..evaluation import Evaluation
from ..i18n import _
from ..meeting import BallotResult, carried_awards
from ..review import AdjustmentEffect, Review
from ..ruleset import Content, Ruleset
from . import award_in_words, csv_text, day, markdown_text, number, percent, terminal_text

FORMATS = ("table", "json", "csv", "markdown")


def _rank_label(unit: RankedUnit) -> str:
    return f"{unit.rank}=" if unit.tied else str(unit.rank)


def review_data(evaluation: Evaluation) -> dict[str, Any] | None:
    """The review applied, with the self-declared and reviewed points of each adjustment."""
    return _review_data(evaluation.review, evaluation.effects, evaluation.ruleset.rounding.places)


def _review_data(review: Review | None, effects: Sequence[AdjustmentEffect], places: int) -> dict[str, Any] | None:
    if review is None:
        return None
    adjustments = []
    for effect in effects:
        a = effect.adjustment
        entry: dict[str, Any] = {"department": a.department}
        entry.update({"criterion": a.criterion, "no": effect.no} if a.criterion else {"deduction": a.deduction})
        entry.update(
            {
                "self_declared": number(effect.self_declared, places),
                "reviewed": number(effect.reviewed, places),
                "reason": a.reason,
            }
        )
        adjustments.append(entry)
    return {"sha256": review.sha256, "reviewed_by": review.reviewed_by, "date": review.date, "adjustments": adjustments}


def ballots_data(ballots: Sequence[BallotResult]) -> list[dict[str, Any]]:
    """The record's `ballots` (SPEC 8): each award put to the vote, its votes and the units it carried."""
    return [
        {"award": r.ballot.award, "voters": r.ballot.voters, "votes": dict(r.ballot.votes), "carried": list(r.carried)}
        for r in ballots
    ]


def as_data(
    evaluation: Evaluation, ruleset_sha256: str, ballots: Sequence[BallotResult] | None = None
) -> dict[str, Any]:
    """The JSON record; with the meeting's `ballots`, each unit's carried award and the ballots too."""
    ruleset, ranking = evaluation.ruleset, evaluation.ranking
    carried = carried_awards(ballots) if ballots is not None else {}
    places = ruleset.rounding.places
    units = []
    assessed: dict[str, str] = {}  # scorer -> sha256 of its assessment file
    for unit in ranking.units:
        head, files = _unit_head(unit.card, places)
        assessed.update(files)
        units.append(
            {
                **_placed(unit.place),
                **head,
                **_unit_awards(unit.place, carried, ballots is not None),
                **_unit_tail(unit.card, unit.class_id, places),
            }
        )
    return {**_record_top(ruleset, ruleset_sha256), "ranking": units, **_record_bottom(evaluation, assessed, ballots)}


def _placed(place: Place) -> dict[str, Any]:
    return {"rank": place.rank, "tied": place.tied}


def _unit_head(card: ScoreCard, places: int) -> tuple[dict[str, Any], dict[str, str]]:
    """A unit's members of the record before what the ranking decides, and its assessment files' hashes."""
    criteria: dict[str, Any] = {}
    assessed: dict[str, str] = {}
    for c in card.criteria:
        entry: dict[str, Any] = {
            "no": c.criterion.no,
            "points": number(c.points, places),
            "bonus": number(c.bonus, places),
            "counts_as": c.criterion.counts_as,
            "not_applicable": c.not_applicable or not c.applies,
        }
        if c.claimed is not None:
            entry["claimed"] = number(c.claimed, places)
        merged = card.submission.assessed.get(c.criterion.id)
        if merged is not None:  # scored by others (SPEC 7.7): who, each score, how combined
            entry["scored_by"] = c.criterion.scored_by
            entry["combine"] = merged.combine
            entry["scores"] = {scorer: number(points, places) for scorer, points in published_scores(merged, c.points)}
            entry["dropped"] = list(merged.dropped)
            assessed.update(merged.files)
        criteria[c.criterion.id] = entry
    head = {
        "department": card.department,
        "name": card.name,
        "total": number(card.total, places),
        "base": number(card.base, places),
        "bonus": number(card.bonus, places),
        "deductions": number(card.deducted, places),
        "contents": {cid: number(points, places) for cid, points in card.contents.items()},
        "criteria": criteria,
    }
    return head, assessed


def _unit_awards(place: Place, carried: Mapping[str, str | None], voted: bool) -> dict[str, Any]:
    """A unit's members of the record that the ranking (and the meeting's ballots, when `voted`) decide."""
    members: dict[str, Any] = {"award": place.award}
    if voted:
        members["carried"] = carried.get(place.department)
    members["awards"] = list(place.awards)
    return members


def _unit_tail(card: ScoreCard, class_id: str | None, places: int) -> dict[str, Any]:
    return {
        "class": class_id,
        "group": card.group,
        "own_max": number(card.own_max, places),
        "share": number(card.share, places) if card.has_share else None,
        "submission_sha256": card.submission.sha256,
    }


def _record_top(ruleset: Ruleset, ruleset_sha256: str) -> dict[str, Any]:
    """The record's members before its `ranking`."""
    places = ruleset.rounding.places
    return {
        "year": ruleset.year,
        "ruleset": {"id": ruleset.ruleset, "version": ruleset.version, "sha256": ruleset_sha256},
        "max_points": number(ruleset.max_points, places),
        "max_bonus": number(ruleset.max_bonus, places),
    }


def _record_bottom(
    evaluation: Evaluation | Scores, assessed: dict[str, str], ballots: Sequence[BallotResult] | None
) -> dict[str, Any]:
    """The record's members after its `ranking`; `assessed`: the assessment files' hashes."""
    review, places = evaluation.review, evaluation.ruleset.rounding.places
    bottom: dict[str, Any] = {
        "missing": list(evaluation.missing),
        "basis": "reviewed" if review is not None else "self-declared",
        # who reviewed and when, at the top as well: a reader of the record sees it without the details
        "reviewed_by": review.reviewed_by if review is not None else None,
        "date": review.date if review is not None else None,
        "review": _review_data(review, evaluation.effects, places),
        # the version that computed it: `verify` with another version names the difference
        "emulate_version": __version__,
    }
    if assessed:  # the assessment files' hashes (SPEC 7.7): absent when no criterion is scored by others
        bottom["assessments"] = dict(sorted(assessed.items()))
    if ballots is not None:
        bottom["ballots"] = ballots_data(ballots)
    return bottom


# --- a unit's part of the outputs, made where it was scored ------------------------------
#
# Scoring thousands of units, each worker process scores its units and writes their part of
# the record or the table (`unit_part`); this process ranks them and joins the parts in their
# places (`json_record`, `csv_record`). A year scored in one process is written the same way,
# from the same parts, so the outputs are the same bytes.

#: the formats written from units' parts
PART_FORMATS = frozenset({"json", "csv"})

#: how far a ranked unit's members stand in the JSON record: in "ranking" (2), in its list (4), then 2 more
_ROW_INDENT = " " * 4


@dataclass(frozen=True, slots=True)
class UnitPart:
    """One unit's part of a ranking output: all but its place (rank, awards), as text."""

    department: str
    before: tuple[str, ...]  # json: its members before its place's; csv: its cells
    after: tuple[str, ...]
    assessed: tuple[tuple[str, str], ...] = ()  # its assessment files' hashes (json)


@dataclass(frozen=True, slots=True)
class Scores:
    """What a ranking output shows besides its units' parts (an `Evaluation` holds the same)."""

    ruleset: Ruleset
    missing: tuple[str, ...]
    review: Review | None
    effects: tuple[AdjustmentEffect, ...]  # in the ranking's order
    self_declared: bool = False


def unit_part(
    format_: str, ruleset: Ruleset, card: ScoreCard, class_id: str | None, effects: Sequence[AdjustmentEffect]
) -> UnitPart:
    """The unit's part of the `format_` output (one of PART_FORMATS); `effects`: the review's on it."""
    places = ruleset.rounding.places
    if format_ == "json":
        head, assessed = _unit_head(card, places)
        tail = _unit_tail(card, class_id, places)
        return UnitPart(
            card.department, (_members(head, _ROW_INDENT),), (_members(tail, _ROW_INDENT),), tuple(assessed.items())
        )
    differences = "; ".join(
        _("{no}: claimed {claimed}, computed {computed}").format(
            no=c.criterion.no, claimed=number(c.claimed, places), computed=number(c.computed, places)
        )
        for c in card.claimed_differences
        if c.claimed is not None
    )
    adjustments = "; ".join(
        _("{no}: self-declared {self_declared}, reviewed {reviewed} ({reason})").format(
            no=e.no if e.adjustment.criterion else e.adjustment.deduction,
            self_declared=number(e.self_declared, places),
            reviewed=number(e.reviewed, places),
            reason=e.adjustment.reason,
        )
        for e in sorted(effects, key=lambda e: e.adjustment.line)
    )
    before = (
        card.department,
        csv_text(card.name),
        *(number(card.contents[c.id], places) for c in ruleset.contents),
        number(card.base, places),
        number(card.bonus, places),
        number(card.deducted, places),
        number(card.total, places),
        number(card.share, 4) if card.has_share else "",
    )
    return UnitPart(card.department, before, (csv_text(differences), csv_text(adjustments)))


_scalar = json.JSONEncoder(ensure_ascii=False).encode


def _members(data: dict[str, Any], indent: str) -> str:
    """The members of a JSON object as the record writes them (`json.dumps(..., ensure_ascii=False,
    indent=2)`), `indent` further in, without its braces.

    Written here rather than by json, whose encoder with an indent is Python (a third of the time
    of writing a unit's part): scalars are json's own (`_scalar`), objects and lists are laid out
    as json lays them out, which the tests check on every shipped year.
    """
    inner = indent + "  "
    if not all(type(key) is str for key in data):  # json's own words for other keys (1 -> "1", None -> "null")
        return inner + json.dumps(data, ensure_ascii=False, indent=2)[4:-2].replace("\n", "\n" + indent)
    return ",\n".join(f"{inner}{_scalar(key)}: {_value(value, inner)}" for key, value in data.items())


def _value(value: Any, indent: str) -> str:
    if isinstance(value, dict):
        return "{\n" + _members(value, indent) + "\n" + indent + "}" if value else "{}"
    if isinstance(value, list | tuple):
        inner = indent + "  "
        items = ",\n".join(inner + _value(item, inner) for item in value)
        return "[\n" + items + "\n" + indent + "]" if value else "[]"
    return _scalar(value)


def _row_text(place: Place, part: UnitPart, carried: Mapping[str, str | None], voted: bool) -> str:
    members = [
        _members(_placed(place), _ROW_INDENT),
        *part.before,
        _members(_unit_awards(place, carried, voted), _ROW_INDENT),
        *part.after,
    ]
    return "{\n" + ",\n".join(members) + "\n" + _ROW_INDENT + "}"


def json_record(
    scores: Evaluation | Scores,
    ruleset_sha256: str,
    placed: Iterable[tuple[Place, UnitPart]],
    ballots: Sequence[BallotResult] | None = None,
) -> Iterator[str]:
    """The JSON record in pieces, to be written as it is made: the units' parts in their places.

    The same text as `json.dumps(as_data(...), ensure_ascii=False, indent=2)` and a line end.
    A province's ranking runs to megabytes: one string of it all more than doubled the peak
    memory of scoring 5,000 units (benchmarks/run.py).
    """
    carried = carried_awards(ballots) if ballots is not None else {}
    assessed: dict[str, str] = {}
    batch = ["{\n" + _members(_record_top(scores.ruleset, ruleset_sha256), "") + ',\n  "ranking": [']
    n = 0
    for n, (place, part) in enumerate(placed, start=1):
        batch.append((",\n" if n > 1 else "\n") + _ROW_INDENT + _row_text(place, part, carried, ballots is not None))
        assessed.update(part.assessed)
        if len(batch) == 256:
            yield "".join(batch)
            batch.clear()
    batch.append("\n  ]" if n else "]")
    batch.append(",\n" + _members(_record_bottom(scores, assessed, ballots), "") + "\n}\n")
    yield "".join(batch)


def json_chunks(
    evaluation: Evaluation, ruleset_sha256: str, ballots: Sequence[BallotResult] | None = None
) -> Iterator[str]:
    """The JSON record in pieces, to be written as it is made (`json_record`)."""
    ruleset = evaluation.ruleset
    placed = ((u.place, unit_part("json", ruleset, u.card, u.class_id, ())) for u in evaluation.ranking.units)
    return json_record(evaluation, ruleset_sha256, placed, ballots)  # each unit's part made as it is written


def as_json(evaluation: Evaluation, ruleset_sha256: str) -> str:
    return "".join(json_chunks(evaluation, ruleset_sha256))


def adjustment_rows(evaluation: Evaluation) -> list[tuple[str, str, str, str, str, str]]:
    """(unit name, no, criterion or deduction title, self-declared, reviewed, reason)."""
    places = evaluation.ruleset.rounding.places
    names = {d.id: d.name for d in evaluation.ruleset.departments}
    return [
        (
            names.get(e.adjustment.department, e.adjustment.department),
            e.no,
            e.title,
            number(e.self_declared, places),
            number(e.reviewed, places),
            e.adjustment.reason,
        )
        for e in evaluation.effects
    ]


def self_declared_note(evaluation: Evaluation) -> str | None:
    """For `score --self`: the outputs say on their face that they rank the self-declared values."""
    if not evaluation.self_declared:
        return None
    return _("Self-declared values: the units' own figures, without the bloc's review (score --self)")


def _review_heading(evaluation: Evaluation) -> str:
    review = evaluation.review
    assert review is not None
    if review.date:
        return _("Corrected by the bloc's review ({reviewed_by}, {date}): self-declared and reviewed points").format(
            reviewed_by=review.reviewed_by, date=day(review.date)
        )
    return _("Corrected by the bloc's review ({reviewed_by}): self-declared and reviewed points").format(
        reviewed_by=review.reviewed_by
    )


def _differences(ruleset: Ruleset, ranking: Ranking) -> list[tuple[str, str, str, str, str]]:
    """(unit name, criterion no, title, claimed, computed) where a self-score differs."""
    places = ruleset.rounding.places
    return [
        (unit.card.name, c.criterion.no, c.criterion.title, number(c.claimed, places), number(c.computed, places))
        for unit in ranking.units
        for c in unit.card.claimed_differences
        if c.claimed is not None
    ]


def _row(ruleset: Ruleset, unit: RankedUnit) -> list[str]:
    places = ruleset.rounding.places
    card = unit.card
    return [
        _rank_label(unit),
        card.name,
        *(number(card.contents[c.id], places) for c in _base_contents(ruleset)),
        number(card.bonus, places),
        *([number(card.deducted, places)] if _has_deductions(ruleset) else []),
        number(card.total, places),
        percent(card.share).removesuffix(" %") if card.has_share else "",
        *([unit.class_id or ""] if ruleset.classification else []),
        ", ".join(unit.awards),
    ]


def _base_contents(ruleset: Ruleset) -> list[Content]:
    """The contents with base points (one of bonus and deduction criteria only has none: its column would be 0)."""
    return [c for c in ruleset.contents if any(k.is_base for k in c.criteria)]


def _has_deductions(ruleset: Ruleset) -> bool:
    return bool(ruleset.deductions) or bool(ruleset.max_deductions)


def _headers(ruleset: Ruleset) -> list[str]:
    """Column heads; the deductions column only when the ruleset has deductions, the class column only
    when it has a classification.

    The first two (rank, unit) and the last (award) are text, and the class; the others are numbers.
    """
    return [
        "#",
        _("Unit"),
        *(f"C{c.id}" for c in _base_contents(ruleset)),
        _("Bonus"),
        *([_("Ded.")] if _has_deductions(ruleset) else []),
        _("Total"),
        "%",
        *([_("Class")] if ruleset.classification else []),
        _("Award"),
    ]


def _group_title(ruleset: Ruleset, group: str | None) -> str:
    return next((g.title for g in ruleset.groups if g.id == group), group or "")


def _adjustment_headers() -> list[str]:
    return [_("Unit"), _("No"), _("Criterion"), _("Self"), _("Reviewed"), _("Reason")]


def _difference_headers() -> list[str]:
    return [_("Unit"), _("No"), _("Criterion"), _("Claimed"), _("Computed")]


def quota_tie_notes(ranking: Ranking) -> list[str]:
    """One line per tie that an award's quota cuts through: the ballot decides, not the order shown."""
    names = {u.card.department: u.card.name for u in ranking.units}
    return [
        _(
            "{award}: {proposed} (proposed) and {passed} (not proposed) share rank {rank},"
            " and the quota leaves room for only some of them:"
            " this proposal takes them in the order of their ids; the bloc's secret ballot decides"
        ).format(
            award=tie.award_id,
            rank=tie.rank,
            proposed=", ".join(names[d] for d in tie.proposed),
            passed=", ".join(names[d] for d in tie.passed_over),
        )
        for tie in ranking.quota_ties()
    ]


def _notes(ruleset: Ruleset, ranking: Ranking) -> list[str]:
    notes = []
    for award in ruleset.awards:
        notes.append(f"{award.id}: {award.title} ({award_in_words(award)})")
    if any(u.tied for u in ranking.units):
        notes.append(_("'=' marks a shared rank"))
    notes += quota_tie_notes(ranking)
    if ranking.missing:
        notes.append(_("no submission (not ranked): {departments}").format(departments=", ".join(ranking.missing)))
    return notes


def _cells(row: Sequence[str]) -> list[Any]:
    """Table cells as plain text: no rich markup read in a name or reason, no control sequence, no forged line."""
    from rich.text import Text

    return [Text(terminal_text(cell)) for cell in row]


def as_table(evaluation: Evaluation, width: int | None = None) -> list[Any]:
    """rich renderables: the ranking, then the review's corrections, self-score differences and notes.

    `width`: the terminal's; below 80 columns, or where the awards would not fit beside a name of 12 characters,
    the award column moves under the ranking, so that no number or award is cut.
    """
    ruleset, ranking = evaluation.ruleset, evaluation.ranking
    from rich.table import Table
    from rich.text import Text

    places = ruleset.rounding.places
    title = terminal_text(_("{title} (version {version})").format(title=ruleset.title, version=ruleset.version))
    note = self_declared_note(evaluation)
    if note is not None:
        title += "\n" + note
    headers = _headers(ruleset)
    rows = {unit.card.department: _row(ruleset, unit) for unit in ranking.units}
    award_width = max([len(row[-1]) for row in rows.values()] + [len(headers[-1])])
    # every column but the unit's keeps its width; the award column goes under the table rather than be cut
    fixed = sum(
        max([len(headers[i])] + [len(row[i]) for row in rows.values()]) + 1 for i in range(len(headers)) if i != 1
    )
    narrow = width is not None and (width < 80 or fixed + 12 > width)
    out: list[Any] = []
    groups = ranking.groups()
    for n, (group, units) in enumerate(groups):
        table = Table(
            title=Text(f"{title} — {terminal_text(_group_title(ruleset, group))}" if group is not None else title),
            caption=_("maximum {maximum} + bonus {bonus}; C = content").format(
                maximum=number(ruleset.max_points, places), bonus=number(ruleset.max_bonus, places)
            )
            if n == len(groups) - 1
            else None,
            # no column rules: in 80 columns every character goes to the units' names
            box=None,
            padding=(0, 1, 0, 0),
            pad_edge=False,
            header_style="bold underline",
        )
        for i, header in enumerate(headers):
            if i == 1:  # the unit
                table.add_column(header, overflow="fold", ratio=1, min_width=8 if narrow else 12)
            elif i == len(headers) - 1:  # the award
                if not narrow:
                    table.add_column(header, no_wrap=True, min_width=award_width)
            elif header == _("Class"):
                table.add_column(header, no_wrap=True)
            else:
                table.add_column(header, justify="left" if i == 0 else "right", no_wrap=True)
        for unit in units:
            row = rows[unit.card.department]
            table.add_row(*_cells(row[:-1] if narrow else row), style="bold" if unit.awards else None)
        out.append(table)
    if narrow:
        proposed: dict[str, list[str]] = {}
        for unit in ranking.units:
            for award in unit.awards:  # each award with the units proposed for it, as the award column would
                proposed.setdefault(award, []).append(unit.card.name)
        out.extend(
            Text(terminal_text(_("{award}: {units}").format(award=award, units=", ".join(names))), style="bold")
            for award, names in sorted(proposed.items(), key=lambda item: [a.id for a in ruleset.awards].index(item[0]))
        )
    if evaluation.effects:
        adjusted = Table(
            title=Text(terminal_text(_review_heading(evaluation))),
            box=None,
            padding=(0, 1, 0, 0),
            pad_edge=False,
            header_style="bold underline",
        )
        for i, header in enumerate(_adjustment_headers()):
            # unit, no, criterion, self, reviewed, reason
            adjusted.add_column(
                header,
                overflow="fold",
                justify="right" if i in (3, 4) else "left",
                ratio=2 if i == 5 else (1 if i in (0, 2) else None),
            )
        for adjustment_row in adjustment_rows(evaluation):
            adjusted.add_row(*_cells(adjustment_row))
        out.append(adjusted)
    differences = _differences(ruleset, ranking)
    if differences:
        diff = Table(
            title=_("Self-declared points that differ from the computed points"),
            box=None,
            padding=(0, 1, 0, 0),
            pad_edge=False,
            header_style="bold underline",
        )
        for i, header in enumerate(_difference_headers()):
            # unit, no, criterion, claimed, computed
            diff.add_column(header, overflow="fold", justify="right" if i in (3, 4) else "left")
        for difference_row in differences:
            diff.add_row(*_cells(difference_row))
        out.append(diff)
    out.extend(Text(terminal_text(note), style="dim") for note in _notes(ruleset, ranking))
    return out


def as_csv(evaluation: Evaluation) -> str:
    ruleset = evaluation.ruleset
    placed = (
        (u.place, unit_part("csv", ruleset, u.card, u.class_id, evaluation.effects_for(u.card.department)))
        for u in evaluation.ranking.units
    )
    return csv_record(ruleset, placed)


def csv_record(ruleset: Ruleset, placed: Iterable[tuple[Place, UnitPart]]) -> str:
    """The CSV table (for Excel: a byte-order mark, CRLF line ends): the units' parts in their places."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [
            "rank",
            "tied",
            "department",
            "name",
            *(f"content_{c.id}" for c in ruleset.contents),
            "base",
            "bonus",
            "deductions",
            "total",
            "share",
            "award",
            "self_score_differences",
            "review_adjustments",
            "class",
            "group",
            "awards",
        ]
    )
    for place, part in placed:
        writer.writerow(
            [
                place.rank,
                "yes" if place.tied else "no",
                *part.before,
                place.award or "",
                *part.after,
                place.class_id or "",
                place.group or "",
                " ".join(place.awards),
            ]
        )
    return "\ufeff" + buffer.getvalue()


def _md(cell: str) -> str:
    return markdown_text(cell)


def as_markdown(evaluation: Evaluation) -> str:
    ruleset, ranking = evaluation.ruleset, evaluation.ranking
    headers = _headers(ruleset)
    lines = [
        "## " + _("{title} (version {version})").format(title=_md(ruleset.title), version=_md(ruleset.version)),
        "",
    ]
    note = self_declared_note(evaluation)
    if note is not None:
        lines += [f"**{_md(note)}**", ""]
    text_columns = {0, 1, len(headers) - 1} | ({len(headers) - 2} if ruleset.classification else set())
    for group, units in ranking.groups():
        if group is not None:
            lines += [f"### {_md(_group_title(ruleset, group))}", ""]
        lines.append("| " + " | ".join(_md(h) for h in headers) + " |")
        lines.append("|" + "|".join("---" if i in text_columns else "---:" for i in range(len(headers))) + "|")
        for unit in units:
            lines.append("| " + " | ".join(_md(c) for c in _row(ruleset, unit)) + " |")
        lines.append("")
    lines.pop()
    if evaluation.effects:
        lines += [
            "",
            f"### {_review_heading(evaluation)}",
            "",
            "| " + " | ".join(_md(h) for h in _adjustment_headers()) + " |",
            "|---|---|---|---:|---:|---|",
        ]
        lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in adjustment_rows(evaluation)]
    differences = _differences(ruleset, ranking)
    if differences:
        lines += [
            "",
            "### " + _("Self-declared points that differ from the computed points"),
            "",
            "| " + " | ".join(_md(h) for h in _difference_headers()) + " |",
            "|---|---|---|---:|---:|",
        ]
        lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in differences]
    notes = _notes(ruleset, ranking)
    if notes:
        lines.append("")
        lines += [f"- {_md(note)}" for note in notes]
    return "\n".join(lines) + "\n"
