"""How every point of one unit was computed, in the regulation's numbering."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from ..arithmetic import ZERO
from ..assessment import published_scores
from ..engine import AwardCheck, CriterionScore, RankedUnit, Ranking, ScoreCard
from ..evaluation import Evaluation
from ..i18n import _
from ..kinds.base import NotApplicable, cut_off
from ..ruleset import Ruleset
from ..submission import why_not
from . import number, percent, plain, terminal_text, tie_breaker_in_words


def criterion_formula(cs: CriterionScore, places: int) -> list[str]:
    """Lines that show the criterion's arithmetic with its numbers (its kind words them)."""
    if not cs.applies:
        return [
            _("does not apply to this unit ({reason}): left out of its maximum").format(reason=why_not(cs.criterion))
        ]
    if isinstance(cs.value, NotApplicable):
        return [_("declared not applicable: {reason}; left out of the unit's maximum").format(reason=cs.value.reason)]
    if cs.value is None:
        return [_("no value given: scored {points}").format(points=number(cs.points, places))]
    lines = cs.criterion.rule.explain(cs, places)
    if cs.criterion.counts_as == "bonus":
        lines.append(_("counts as bonus: {points} added to the bonus").format(points=number(cs.total, places)))
    elif cs.criterion.counts_as == "deduction":
        lines.append(_("counts as a deduction: {points} taken off").format(points=number(cs.total, places)))
    return lines


def award_lines(ruleset: Ruleset, ranking: Ranking, department: str) -> list[tuple[str, bool, str]]:
    """(award id, proposed, why) for each award, as the engine decided it."""
    out = []
    places = ruleset.rounding.places
    for check in ranking.awards:
        if check.department != department:
            continue
        need = (
            _("total {share} of the maximum (needs ≥ {minimum})").format(
                share=percent(check.share), minimum=percent(check.min_share, 0)
            )
            if check.min_share is not None
            else _("total {share} of the maximum").format(share=percent(check.share))
        )
        if check.proposed:
            why = _("proposed: {reason}").format(reason=need)
        elif check.already:
            why = _("not proposed: already proposed for {award}").format(award=check.already)
        elif check.unmet:
            why = _("not eligible: {reason}").format(reason="; ".join(_unmet_words(ruleset, check, need, places)))
        else:
            why = _("eligible, but the quota was filled by better-ranked units ({reason})").format(reason=need)
        out.append((check.award_id, check.proposed, why))
    return out


def _unmet_words(ruleset: Ruleset, check: AwardCheck, need: str, places: int) -> list[str]:
    """Each condition of an award that the unit does not meet, with its numbers."""
    award = next(a for a in ruleset.awards if a.id == check.award_id)
    words = []
    for key in check.unmet:
        if key == "min_share":
            words.append(need)
        elif key == "require_zero":
            words.append(
                ", ".join(
                    _("{name} count is {count} (must be 0)").format(name=name, count=count)
                    for name, count in check.nonzero
                )
            )
        elif key == "min_points":
            words.append(_("total below {points} points").format(points=number(award.min_points or ZERO, places)))
        elif key == "when":
            words.append(_("the condition '{when}' does not hold").format(when=award.when))
        elif key == "min_criterion_share":
            words.append(
                _("a criterion below {share} % of its maximum").format(
                    share=plain((award.min_criterion_share or ZERO) * 100)
                )
            )
    return words


def scorer_lines(ruleset: Ruleset, card: ScoreCard, criterion_id: str) -> list[str]:
    """Who scored a criterion scored by others, every peer score and how they were combined (SPEC 7.7)."""
    merged = card.submission.assessed.get(criterion_id)
    if merged is None:
        return []
    places = ruleset.rounding.places
    if merged.combine is None:
        scorer = merged.scorers[0]
        return [_("scored by {scorer} ({name})").format(scorer=scorer, name=ruleset.scorer_name(scorer))]
    how = {"mean": _("mean"), "median": _("median"), "trimmed_mean": _("trimmed mean")}.get(
        merged.combine, merged.combine
    )
    scores = ", ".join(f"{scorer} {plain(points)}" for scorer, points in merged.scores)
    line = _("{how} of {count} peer scores: {scores}").format(how=how, count=len(merged.scores), scores=scores)
    if merged.dropped:
        line += "; " + _("dropped {scorers}").format(scorers=_(" and ").join(merged.dropped))
    points = getattr(merged.value, "points", ZERO)
    return [line + f" → {number(points, places)}"]


def as_data(evaluation: Evaluation, unit: RankedUnit) -> dict[str, Any]:
    ruleset, ranking = evaluation.ruleset, evaluation.ranking
    places = ruleset.rounding.places
    card = unit.card
    effects = {e.adjustment.target: e for e in evaluation.effects_for(card.department)}
    contents = []
    for content in ruleset.contents:
        criteria = []
        for cs in card.criteria:
            if cs.content_id != content.id:
                continue
            entry: dict[str, Any] = {
                "id": cs.criterion.id,
                "no": cs.criterion.no,
                "title": cs.criterion.title,
                "kind": cs.criterion.kind,
                "points": number(cs.points, places),
                "bonus": number(cs.bonus, places),
                "max_points": number(cs.criterion.max_points, places),
                "max_bonus": number(cs.criterion.max_bonus, places),
                "lost_to_cap": number(cs.lost_to_cap, places),
                "counts_as": cs.criterion.counts_as,
                "applies": cs.applies,
                "not_applicable": cs.not_applicable,
                "formula": scorer_lines(ruleset, card, cs.criterion.id) + criterion_formula(cs, places),
                "source": cs.criterion.source,
                "input": None if cs.value is None else cs.value.model_dump(mode="json", exclude_none=True),
            }
            if cs.claimed is not None:
                entry["claimed"] = number(cs.claimed, places)
            merged = card.submission.assessed.get(cs.criterion.id)
            if merged is not None:  # as in the score record (SPEC 7.7)
                entry["scored_by"] = cs.criterion.scored_by
                entry["combine"] = merged.combine
                entry["scores"] = {
                    scorer: number(points, places) for scorer, points in published_scores(merged, cs.points)
                }
                entry["dropped"] = list(merged.dropped)
            if cs.criterion.id in effects:
                effect = effects[cs.criterion.id]
                entry["review"] = {
                    "self_declared": number(effect.self_declared, places),
                    "reviewed": number(effect.reviewed, places),
                    "reason": effect.adjustment.reason,
                }
            criteria.append(entry)
        contents.append(
            {
                "id": content.id,
                "title": content.title,
                "points": number(card.contents[content.id], places),
                "max_points": number(content.max_points, places),
                "criteria": criteria,
            }
        )
    return {
        "year": ranking.year,
        "department": card.department,
        "name": card.name,
        "rank": unit.rank,
        "tied": unit.tied,
        "of": sum(1 for u in ranking.units if u.group == unit.group),
        "base": number(card.base, places),
        "bonus": number(card.bonus, places),
        "deductions": number(card.deducted, places),
        "total": number(card.total, places),
        "share": number(card.share, 4) if card.has_share else None,
        "own_max": number(card.own_max, places),
        "floored": number(card.floored, places),
        "class": unit.class_id,
        "group": unit.group,
        "contents": contents,
        "deduction_items": [
            {
                "id": d.deduction_id,
                "count": d.count,
                "points": number(d.points, places),
                "lost_to_cap": number(d.lost_to_cap, places),
                **(
                    {
                        "review": {
                            "self_declared": number(effects[d.deduction_id].self_declared, places),
                            "reviewed": number(effects[d.deduction_id].reviewed, places),
                            "reason": effects[d.deduction_id].adjustment.reason,
                        }
                    }
                    if d.deduction_id in effects
                    else {}
                ),
            }
            for d in card.deductions
        ],
        "tie_breakers": list(ruleset.tie_breakers),
        "decided_by": unit.decided_by,
        "awards": [
            {"id": a, "proposed": granted, "reason": why}
            for a, granted, why in award_lines(ruleset, ranking, card.department)
        ],
    }


def as_json(evaluation: Evaluation, unit: RankedUnit) -> str:
    return json.dumps(as_data(evaluation, unit), ensure_ascii=False, indent=2) + "\n"


def as_tree(evaluation: Evaluation, unit: RankedUnit) -> Any:
    from rich.markup import escape as escape_markup

    def escape(text: str) -> str:
        # input text: no markup read in it, no control sequence, no forged line
        return escape_markup(terminal_text(text))

    from rich.tree import Tree

    ruleset, ranking = evaluation.ruleset, evaluation.ranking
    places = ruleset.rounding.places
    card: ScoreCard = unit.card
    effects = {e.adjustment.target: e for e in evaluation.effects_for(card.department)}

    def styled(style: str, text: str) -> str:
        return f"[{style}]{escape(text)}[/]"

    def adjusted(node: Any, target: str) -> None:
        if target in effects:
            e = effects[target]
            text = _("corrected by the review: self-declared {self_declared} → reviewed {reviewed}").format(
                self_declared=number(e.self_declared, places), reviewed=number(e.reviewed, places)
            )
            node.add(styled("yellow", text) + f" ({escape(e.adjustment.reason)})")

    def of(points: str, maximum: Decimal) -> str:
        return _("{points} of {maximum}").format(points=points, maximum=number(maximum, places))

    rank = (_("{rank} (shared) of {count}") if unit.tied else _("{rank} of {count}")).format(
        rank=unit.rank, count=sum(1 for u in ranking.units if u.group == unit.group)
    )
    tree = Tree(
        _("{name} ({department}) · {year} · total {total} · rank {rank}").format(
            name=styled("bold", card.name),
            department=card.department,
            year=ranking.year,
            total=f"[bold]{number(card.total, places)}[/]",
            rank=escape(rank),
        ),
        guide_style="dim",
    )
    for content in ruleset.contents:
        branch = tree.add(
            f"[bold]{escape(content.id)}. {escape(content.title)}[/]: "
            + of(number(card.contents[content.id], places), content.max_points)
        )
        for cs in card.criteria:
            if cs.content_id != content.id:
                continue
            head = f"[cyan]{escape(cs.criterion.no)}[/] {escape(cs.criterion.title)}: " + of(
                f"[bold]{number(cs.points, places)}[/]", cs.criterion.max_points
            )
            if cs.criterion.max_bonus:
                head += _(" + bonus {bonus} of {maximum}").format(
                    bonus=number(cs.bonus, places), maximum=number(cs.criterion.max_bonus, places)
                )
            node = branch.add(head)
            for line in scorer_lines(ruleset, card, cs.criterion.id) + criterion_formula(cs, places):
                node.add(escape(line))
            adjusted(node, cs.criterion.id)
            if cs.value is not None and cs.value.evidence:
                node.add(styled("dim", _("evidence: {evidence}").format(evidence=cs.value.evidence)))
            if cs.claimed is not None:
                mark = styled("yellow", _("differs")) if cs.claim_differs else escape(_("matches"))
                node.add(
                    _("self-declared {claimed}, computed {computed}: {verdict}").format(
                        claimed=number(cs.claimed, places), computed=number(cs.computed, places), verdict=mark
                    )
                )
            node.add(styled("dim", _("source: {source}").format(source=cs.criterion.source)))
    if card.deductions:
        branch = tree.add(styled("bold", _("Deductions")) + f": {number(card.deducted, places)}")
        for d in card.deductions:
            rule = ruleset.deduction(d.deduction_id)
            per = plain(rule.per) if rule else "?"
            cap = _(", at most {cap}").format(cap=plain(rule.cap)) if rule and rule.cap is not None else ""
            text = f"{d.deduction_id}: {d.count} × {per}{cap} = {number(d.points, places)}"
            if d.lost_to_cap:
                text += cut_off(d.lost_to_cap, places)
            adjusted(branch.add(escape(text)), d.deduction_id)
    tree.add(
        styled("bold", _("Total"))
        + ": "
        + _("base {base} + bonus {bonus} − deductions {deductions} = {total} ({share} of {maximum})").format(
            base=number(card.base, places),
            bonus=number(card.bonus, places),
            deductions=number(card.deducted, places),
            total=f"[bold]{number(card.total, places)}[/]",
            share=percent(card.share),
            maximum=number(card.own_max, places),
        )
    )
    if card.floored:
        tree.add(
            escape(
                _("the sum was {sum}, below 0: the total is floored at 0").format(
                    sum=number(card.total - card.floored, places)
                )
            )
        )
    if unit.class_id is not None:
        title = next((k.title for k in ruleset.classification if k.id == unit.class_id), unit.class_id)
        tree.add(styled("bold", _("Class")) + f": {escape(unit.class_id)} ({escape(title)})")
    ranked = tree.add(styled("bold", _("Rank")) + f": {escape(rank)}")
    if ruleset.tie_breakers:
        breakers = ", ".join(tie_breaker_in_words(ruleset, b) for b in ruleset.tie_breakers)
        ranked.add(
            escape(
                _("tie-breakers: {tie_breakers}; decided by {decided_by}").format(
                    tie_breakers=breakers, decided_by=tie_breaker_in_words(ruleset, unit.decided_by)
                )
                if unit.decided_by
                else _("tie-breakers: {tie_breakers}").format(tie_breakers=breakers)
            )
        )
    lines = award_lines(ruleset, ranking, card.department)
    if lines:  # no empty node for a ruleset without awards
        awards = tree.add(styled("bold", _("Awards")))
        for award_id, granted, why in lines:
            awards.add(f"{'[green]' if granted else ''}{escape(award_id)}: {escape(why)}{'[/]' if granted else ''}")
    return tree


def sheet_total(ruleset: Ruleset, card: ScoreCard) -> str:
    """The scoring sheet's total line (Word and html), saying when the total is floored at 0."""
    places = ruleset.rounding.places
    line = _("Total {total} of {maximum} points (base {base}, bonus {bonus}, deductions {deductions}).").format(
        total=number(card.total, places),
        maximum=number(ruleset.max_points, places),
        base=number(card.base, places),
        bonus=number(card.bonus, places),
        deductions=number(card.deducted, places),
    )
    if card.floored:
        line += " " + _("the sum was {sum}, below 0: the total is floored at 0").format(
            sum=number(card.total - card.floored, places)
        )
    return line


def scoring_sheet_rows(evaluation: Evaluation, unit: RankedUnit) -> tuple[list[str], list[list[str]], set[int]]:
    """(headers, rows, numeric columns) of the scoring sheet: for the Word and the HTML sheet alike."""
    ruleset = evaluation.ruleset
    places = ruleset.rounding.places
    card = unit.card
    effects = {e.adjustment.target: e for e in evaluation.effects_for(card.department)}
    rows: list[list[str]] = []
    for content in ruleset.contents:
        rows.append([content.id, content.title, "", "", number(card.contents[content.id], places), "", ""])
        for cs in card.criteria:
            if cs.content_id != content.id:
                continue
            effect = effects.get(cs.criterion.id)
            rows.append(
                [
                    cs.criterion.no,
                    cs.criterion.title,
                    "; ".join(criterion_formula(cs, places)),
                    (cs.value.evidence if cs.value is not None else None) or "",
                    number(cs.total, places) + f" / {number(cs.criterion.max_points + cs.criterion.max_bonus, places)}",
                    number(cs.claimed, places) if cs.claimed is not None else "",
                    _correction(effect, places),
                ]
            )
    for d in card.deductions:
        effect = effects.get(d.deduction_id)
        deduction = ruleset.deduction(d.deduction_id)
        title = deduction.title if deduction is not None else d.deduction_id
        rows.append(
            [
                "",
                _("Deduction: {title}").format(title=title),
                _("count {count}").format(count=d.count),
                "",
                "−" + number(d.points, places),
                "",
                _correction(effect, places),
            ]
        )
    headers = [_("No"), _("Criterion"), _("Value"), _("Evidence"), _("Points"), _("Self-score"), _("Correction")]
    return headers, rows, {4, 5}


def _correction(effect: Any, places: int) -> str:
    if effect is None:
        return ""
    return _("{self_declared} → {reviewed}: {reason}").format(
        self_declared=number(effect.self_declared, places),
        reviewed=number(effect.reviewed, places),
        reason=effect.adjustment.reason,
    )
