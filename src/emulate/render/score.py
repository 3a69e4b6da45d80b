"""The ranked table of a year: rich table, JSON record, CSV for Excel, Markdown."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from typing import Any

from .. import __version__
from ..assessment import published_scores
from ..engine import RankedUnit, Ranking
from ..evaluation import Evaluation
from ..i18n import _
from ..meeting import BallotResult, carried_awards
from ..ruleset import Content, Ruleset
from . import award_in_words, csv_text, day, markdown_text, number, percent, terminal_text

FORMATS = ("table", "json", "csv", "markdown")


def _rank_label(unit: RankedUnit) -> str:
    return f"{unit.rank}=" if unit.tied else str(unit.rank)


def review_data(evaluation: Evaluation) -> dict[str, Any] | None:
    """The review applied, with the self-declared and reviewed points of each adjustment."""
    review = evaluation.review
    if review is None:
        return None
    places = evaluation.ruleset.rounding.places
    adjustments = []
    for effect in evaluation.effects:
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
        card = unit.card
        criteria: dict[str, Any] = {}
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
                entry["scores"] = {
                    scorer: number(points, places) for scorer, points in published_scores(merged, c.points)
                }
                entry["dropped"] = list(merged.dropped)
                assessed.update(merged.files)
            criteria[c.criterion.id] = entry
        row: dict[str, Any] = {
            "rank": unit.rank,
            "tied": unit.tied,
            "department": card.department,
            "name": card.name,
            "total": number(card.total, places),
            "base": number(card.base, places),
            "bonus": number(card.bonus, places),
            "deductions": number(card.deducted, places),
            "contents": {cid: number(points, places) for cid, points in card.contents.items()},
            "criteria": criteria,
            "award": unit.award,
        }
        if ballots is not None:
            row["carried"] = carried.get(card.department)
        row["awards"] = list(unit.awards)
        row["class"] = unit.class_id
        row["group"] = unit.group
        row["own_max"] = number(card.own_max, places)
        row["share"] = number(card.share, places) if card.has_share else None
        row["submission_sha256"] = card.submission.sha256
        units.append(row)
    data = {
        "year": ranking.year,
        "ruleset": {"id": ruleset.ruleset, "version": ruleset.version, "sha256": ruleset_sha256},
        "max_points": number(ruleset.max_points, places),
        "max_bonus": number(ruleset.max_bonus, places),
        "ranking": units,
        "missing": list(ranking.missing),
        "basis": "reviewed" if evaluation.review is not None else "self-declared",
        # who reviewed and when, at the top as well: a reader of the record sees it without the details
        "reviewed_by": evaluation.review.reviewed_by if evaluation.review is not None else None,
        "date": evaluation.review.date if evaluation.review is not None else None,
        "review": review_data(evaluation),
        # the version that computed it: `verify` with another version names the difference
        "emulate_version": __version__,
    }
    if assessed:  # the assessment files' hashes (SPEC 7.7): absent when no criterion is scored by others
        data["assessments"] = dict(sorted(assessed.items()))
    if ballots is not None:
        data["ballots"] = ballots_data(ballots)
    return data


def json_chunks(
    evaluation: Evaluation, ruleset_sha256: str, ballots: Sequence[BallotResult] | None = None
) -> Iterator[str]:
    """The JSON record in pieces, to be written as it is made.

    A province's ranking runs to megabytes; `json.dumps` with an indent joins
    millions of small strings at once, which more than doubled the peak memory
    of scoring 5,000 units (benchmarks/run.py).
    """
    batch: list[str] = []
    for chunk in json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(
        as_data(evaluation, ruleset_sha256, ballots)
    ):
        batch.append(chunk)
        if len(batch) == 4096:
            yield "".join(batch)
            batch.clear()
    batch.append("\n")
    yield "".join(batch)


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
    ruleset, ranking = evaluation.ruleset, evaluation.ranking
    places = ruleset.rounding.places
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
    for unit in ranking.units:
        card = unit.card
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
            for e in evaluation.effects_for(card.department)
        )
        writer.writerow(
            [
                unit.rank,
                "yes" if unit.tied else "no",
                card.department,
                csv_text(card.name),
                *(number(card.contents[c.id], places) for c in ruleset.contents),
                number(card.base, places),
                number(card.bonus, places),
                number(card.deducted, places),
                number(card.total, places),
                number(card.share, 4) if card.has_share else "",
                unit.award or "",
                csv_text(differences),
                csv_text(adjustments),
                unit.class_id or "",
                unit.group or "",
                " ".join(unit.awards),
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
