"""The ranked table of a year: rich table, JSON record, CSV for Excel, Markdown."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from ..engine import Ranking, RankedUnit
from ..evaluation import Evaluation
from ..ruleset import Ruleset
from . import number, percent

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
        entry.update({"self_declared": number(effect.self_declared, places), "reviewed": number(effect.reviewed, places), "reason": a.reason})
        adjustments.append(entry)
    return {"sha256": review.sha256, "reviewed_by": review.reviewed_by, "date": review.date, "adjustments": adjustments}


def as_data(evaluation: Evaluation, ruleset_sha256: str) -> dict[str, Any]:
    ruleset, ranking = evaluation.ruleset, evaluation.ranking
    places = ruleset.rounding.places
    units = []
    for unit in ranking.units:
        card = unit.card
        criteria: dict[str, Any] = {}
        for c in card.criteria:
            entry: dict[str, Any] = {"no": c.criterion.no, "points": number(c.points, places), "bonus": number(c.bonus, places)}
            if c.claimed is not None:
                entry["claimed"] = number(c.claimed, places)
            criteria[c.criterion.id] = entry
        units.append({
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
            "submission_sha256": card.submission.sha256,
        })
    return {
        "year": ranking.year,
        "ruleset": {"id": ruleset.ruleset, "version": ruleset.version, "sha256": ruleset_sha256},
        "max_points": number(ruleset.max_points, places),
        "max_bonus": number(ruleset.max_bonus, places),
        "ranking": units,
        "missing": list(ranking.missing),
        "basis": "reviewed" if evaluation.review is not None else "self-declared",
        "review": review_data(evaluation),
    }


def as_json(evaluation: Evaluation, ruleset_sha256: str) -> str:
    return json.dumps(as_data(evaluation, ruleset_sha256), ensure_ascii=False, indent=2) + "\n"


def _adjustment_rows(evaluation: Evaluation) -> list[tuple[str, str, str, str, str, str]]:
    """(unit name, no, criterion or deduction title, self-declared, reviewed, reason)."""
    places = evaluation.ruleset.rounding.places
    names = {d.id: d.name for d in evaluation.ruleset.departments}
    return [
        (names.get(e.adjustment.department, e.adjustment.department), e.no, e.title,
         number(e.self_declared, places), number(e.reviewed, places), e.adjustment.reason)
        for e in evaluation.effects
    ]


def _review_heading(evaluation: Evaluation) -> str:
    review = evaluation.review
    assert review is not None
    when = f", {review.date}" if review.date else ""
    return f"Corrected by the bloc's review ({review.reviewed_by}{when}): self-declared and reviewed points"


def _differences(ruleset: Ruleset, ranking: Ranking) -> list[tuple[str, str, str, str, str]]:
    """(unit name, criterion no, title, claimed, computed) where a self-score differs."""
    places = ruleset.rounding.places
    return [
        (unit.card.name, c.criterion.no, c.criterion.title, number(c.claimed, places), number(c.total, places))
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
        *(number(card.contents[c.id], places) for c in ruleset.contents),
        number(card.bonus, places),
        *([number(card.deducted, places)] if ruleset.deductions else []),
        number(card.total, places),
        percent(card.share).removesuffix(" %"),
        unit.award or "",
    ]


def _headers(ruleset: Ruleset) -> list[str]:
    """Column heads; the deductions column only when the ruleset has deductions."""
    return ["#", "Unit", *(f"C{c.id}" for c in ruleset.contents), "Bonus", *(["Ded."] if ruleset.deductions else []), "Total", "%", "Award"]


def _notes(ruleset: Ruleset, ranking: Ranking) -> list[str]:
    notes = []
    for award in ruleset.awards:
        zero = f", no {', '.join(award.require_zero)}" if award.require_zero else ""
        notes.append(f"{award.id}: {award.title} (up to {award.quota}, total ≥ {percent(award.min_share, 0)} of {number(ruleset.max_points, ruleset.rounding.places)}{zero})")
    if any(u.tied for u in ranking.units):
        notes.append("'=' marks a shared rank")
    if ranking.missing:
        notes.append("no submission (not ranked): " + ", ".join(ranking.missing))
    return notes


def as_table(evaluation: Evaluation) -> list[Any]:
    """rich renderables: the ranking, then the review's corrections, self-score differences and notes."""
    ruleset, ranking = evaluation.ruleset, evaluation.ranking
    from rich.table import Table
    from rich.text import Text

    places = ruleset.rounding.places
    table = Table(
        title=f"{ruleset.title} (version {ruleset.version})",
        caption=f"maximum {number(ruleset.max_points, places)} + bonus {number(ruleset.max_bonus, places)}; C = content",
        # no column rules: in 80 columns every character goes to the units' names
        box=None, padding=(0, 1, 0, 0), pad_edge=False, header_style="bold underline",
    )
    award_width = max([len(a.id) for a in ruleset.awards] + [5])
    for header in _headers(ruleset):
        if header == "Unit":
            table.add_column(header, overflow="fold", ratio=1, min_width=12)
        elif header == "Award":
            table.add_column(header, no_wrap=True, min_width=award_width)
        else:
            table.add_column(header, justify="left" if header == "#" else "right", no_wrap=True)
    for unit in ranking.units:
        row = _row(ruleset, unit)
        table.add_row(*row, style="bold" if unit.award else None)
    out: list[Any] = [table]
    if evaluation.effects:
        adjusted = Table(title=_review_heading(evaluation), box=None, padding=(0, 1, 0, 0), pad_edge=False, header_style="bold underline")
        for header in ("Unit", "No", "Criterion", "Self", "Reviewed", "Reason"):
            adjusted.add_column(header, overflow="fold", justify="right" if header in ("Self", "Reviewed") else "left",
                                ratio=2 if header == "Reason" else (1 if header in ("Unit", "Criterion") else None))
        for row in _adjustment_rows(evaluation):
            adjusted.add_row(*row)
        out.append(adjusted)
    differences = _differences(ruleset, ranking)
    if differences:
        diff = Table(title="Self-declared points that differ from the computed points", box=None, padding=(0, 1, 0, 0), pad_edge=False, header_style="bold underline")
        for header in ("Unit", "No", "Criterion", "Claimed", "Computed"):
            diff.add_column(header, overflow="fold", justify="right" if header in ("Claimed", "Computed") else "left")
        for row in differences:
            diff.add_row(*row)
        out.append(diff)
    out.extend(Text(note, style="dim") for note in _notes(ruleset, ranking))
    return out


def as_csv(evaluation: Evaluation) -> str:
    ruleset, ranking = evaluation.ruleset, evaluation.ranking
    places = ruleset.rounding.places
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([
        "rank", "tied", "department", "name", *(f"content_{c.id}" for c in ruleset.contents),
        "base", "bonus", "deductions", "total", "share", "award", "self_score_differences", "review_adjustments",
    ])
    for unit in ranking.units:
        card = unit.card
        differences = "; ".join(
            f"{c.criterion.no}: claimed {number(c.claimed, places)}, computed {number(c.total, places)}"
            for c in card.claimed_differences if c.claimed is not None
        )
        adjustments = "; ".join(
            f"{e.no if e.adjustment.criterion else e.adjustment.deduction}: self-declared {number(e.self_declared, places)}, "
            f"reviewed {number(e.reviewed, places)} ({e.adjustment.reason})"
            for e in evaluation.effects_for(card.department)
        )
        writer.writerow([
            unit.rank, "yes" if unit.tied else "no", card.department, card.name,
            *(number(card.contents[c.id], places) for c in ruleset.contents),
            number(card.base, places), number(card.bonus, places), number(card.deducted, places),
            number(card.total, places), number(card.share, 4), unit.award or "", differences, adjustments,
        ])
    return "\ufeff" + buffer.getvalue()


def _md(cell: str) -> str:
    return cell.replace("|", "\\|")


def as_markdown(evaluation: Evaluation) -> str:
    ruleset, ranking = evaluation.ruleset, evaluation.ranking
    headers = _headers(ruleset)
    lines = [f"## {_md(ruleset.title)} (version {_md(ruleset.version)})", ""]
    lines.append("| " + " | ".join(headers) + " |")
    lines.append("|" + "|".join("---" if h in ("#", "Unit", "Award") else "---:" for h in headers) + "|")
    for unit in ranking.units:
        lines.append("| " + " | ".join(_md(c) for c in _row(ruleset, unit)) + " |")
    if evaluation.effects:
        lines += ["", f"### {_review_heading(evaluation)}", "",
                  "| Unit | No | Criterion | Self | Reviewed | Reason |", "|---|---|---|---:|---:|---|"]
        lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in _adjustment_rows(evaluation)]
    differences = _differences(ruleset, ranking)
    if differences:
        lines += ["", "### Self-declared points that differ from the computed points", "",
                  "| Unit | No | Criterion | Claimed | Computed |", "|---|---|---|---:|---:|"]
        lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in differences]
    notes = _notes(ruleset, ranking)
    if notes:
        lines.append("")
        lines += [f"- {_md(note)}" for note in notes]
    return "\n".join(lines) + "\n"
