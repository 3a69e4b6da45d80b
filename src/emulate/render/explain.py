"""How every point of one unit was computed, in the regulation's numbering."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from ..engine import ComponentScore, CriterionScore, Ranking, RankedUnit, ScoreCard
from ..evaluation import Evaluation
from ..ruleset import (
    AssessedRule, ChecklistRule, CountPenaltyRule, CountPointsRule, PercentRule, RatingRule, Ruleset, TargetsRule,
)
from ..submission import AssessedValue, CountValue, PercentValue, RatingValue
from . import number, percent, plain


def component_formula(c: ComponentScore, rule: TargetsRule, places: int) -> str:
    comp = c.component
    if comp.direction == "lower" and comp.target == 0:
        perf = f"target 0 and actual {plain(comp.actual)}, so performance {plain(c.performance)}"
        text = f"{perf}; {plain(rule.points_each)} × {plain(min(c.performance, Decimal(1)))} = {number(c.points, places)}"
    else:
        ratio = f"(2×{plain(comp.target)} − {plain(comp.actual)})/{plain(comp.target)}" if comp.direction == "lower" else f"{plain(comp.actual)}/{plain(comp.target)}"
        text = f"{plain(rule.points_each)} × min({ratio}, 1) = {number(c.points, places)}"
    if c.performance > 1 and rule.bonus_per_percent > 0:
        beyond = number((c.performance - 1) * 100, places)
        text += f"; bonus min({plain(rule.bonus_cap_each)}, {plain(rule.bonus_per_percent)} × {beyond}) = {number(c.bonus, places)}"
        if c.lost_to_cap:
            text += f" (the cap cut off {number(c.lost_to_cap, places)})"
    return text


def criterion_formula(cs: CriterionScore, places: int) -> list[str]:
    """Lines that show the criterion's arithmetic with its numbers."""
    rule, value = cs.criterion.rule, cs.value
    if value is None:
        return [f"no value given: scored {number(cs.points, places)}"]
    if isinstance(rule, TargetsRule):
        lines = []
        for c in cs.components:
            unit = f" ({c.component.unit})" if c.component.unit else ""
            direction = ", lower is better" if c.component.direction == "lower" else ""
            lines.append(f"component {c.number} {c.component.name}{unit}{direction}: {component_formula(c, rule, places)}")
        return lines
    if isinstance(rule, RatingRule) and isinstance(value, RatingValue):
        text = f"rating {value.rating} = {number(cs.points, places)}"
        if rule.bonus is not None:
            text += (f"; bonus {number(cs.bonus, places)} (rated {rule.bonus.at_least} or better)" if cs.bonus
                     else f"; no bonus (below {rule.bonus.at_least})")
        return [text]
    if isinstance(rule, PercentRule) and isinstance(value, PercentValue):
        return [f"{plain(rule.max)} × {plain(value.percent)} / 100 = {number(cs.points, places)}"]
    if isinstance(rule, ChecklistRule):
        states = {True: "achieved", False: "not achieved"}
        lines = []
        for item_id, state, points in cs.items:
            item = rule.items[item_id]
            shown = states.get(state, "not applicable") if isinstance(state, bool) else "not applicable"
            lines.append(f"{item_id} ({item.title}): {shown} → {number(points, places)} of {plain(item.points)}")
        return lines
    if isinstance(rule, CountPointsRule) and isinstance(value, CountValue):
        text = f"{plain(rule.per)} × {value.count} = {plain(rule.per * value.count)}, at most {plain(rule.cap)} → {number(cs.points, places)}"
        return [text + (f" (the cap cut off {number(cs.lost_to_cap, places)})" if cs.lost_to_cap else "")]
    if isinstance(rule, CountPenaltyRule) and isinstance(value, CountValue):
        return [f"{plain(rule.max)} − {plain(rule.per)} × {value.count} = {plain(rule.max - rule.per * value.count)}, not below 0 → {number(cs.points, places)}"]
    if isinstance(rule, AssessedRule) and isinstance(value, AssessedValue):
        return [f"assessed {plain(value.points)} of {plain(rule.max)} → {number(cs.points, places)}"]
    return []  # pragma: no cover


def award_lines(ruleset: Ruleset, ranking: Ranking, department: str) -> list[tuple[str, bool, str]]:
    """(award id, proposed, why) for each award."""
    places = ruleset.rounding.places
    out = []
    for check in ranking.awards:
        if check.department != department:
            continue
        need = f"total {percent(check.share)} of the maximum (needs ≥ {percent(check.min_share, 0)})"
        if check.granted:
            why = f"proposed: {need}"
        elif check.already:
            why = f"not proposed: already proposed for {check.already}"
        elif check.share < check.min_share:
            why = f"not eligible: {need}"
        elif check.nonzero:
            counts = ", ".join(f"{name} count is {count} (must be 0)" for name, count in check.nonzero)
            why = f"not eligible: {counts}"
        else:
            why = f"eligible, but the quota was filled by better-ranked units ({need})"
        out.append((check.award_id, check.granted, why))
    del places
    return out


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
                "id": cs.criterion.id, "no": cs.criterion.no, "title": cs.criterion.title, "kind": cs.criterion.kind,
                "points": number(cs.points, places), "bonus": number(cs.bonus, places),
                "max_points": number(cs.criterion.max_points, places), "max_bonus": number(cs.criterion.max_bonus, places),
                "lost_to_cap": number(cs.lost_to_cap, places),
                "formula": criterion_formula(cs, places),
                "source": cs.criterion.source,
                "input": None if cs.value is None else cs.value.model_dump(mode="json", exclude_none=True),
            }
            if cs.claimed is not None:
                entry["claimed"] = number(cs.claimed, places)
            if cs.criterion.id in effects:
                effect = effects[cs.criterion.id]
                entry["review"] = {"self_declared": number(effect.self_declared, places), "reviewed": number(effect.reviewed, places), "reason": effect.adjustment.reason}
            criteria.append(entry)
        contents.append({"id": content.id, "title": content.title, "points": number(card.contents[content.id], places),
                         "max_points": number(content.max_points, places), "criteria": criteria})
    return {
        "year": ranking.year,
        "department": card.department,
        "name": card.name,
        "rank": unit.rank,
        "tied": unit.tied,
        "of": len(ranking.units),
        "base": number(card.base, places),
        "bonus": number(card.bonus, places),
        "deductions": number(card.deducted, places),
        "total": number(card.total, places),
        "share": number(card.share, 4),
        "contents": contents,
        "deduction_items": [
            {"id": d.deduction_id, "count": d.count, "points": number(d.points, places), "lost_to_cap": number(d.lost_to_cap, places),
             **({"review": {"self_declared": number(effects[d.deduction_id].self_declared, places),
                            "reviewed": number(effects[d.deduction_id].reviewed, places),
                            "reason": effects[d.deduction_id].adjustment.reason}} if d.deduction_id in effects else {})}
            for d in card.deductions
        ],
        "tie_breakers": list(ruleset.tie_breakers),
        "decided_by": unit.decided_by,
        "awards": [{"id": a, "proposed": granted, "reason": why} for a, granted, why in award_lines(ruleset, ranking, card.department)],
    }


def as_json(evaluation: Evaluation, unit: RankedUnit) -> str:
    return json.dumps(as_data(evaluation, unit), ensure_ascii=False, indent=2) + "\n"


def as_tree(evaluation: Evaluation, unit: RankedUnit) -> Any:
    from rich.markup import escape
    from rich.tree import Tree

    ruleset, ranking = evaluation.ruleset, evaluation.ranking
    places = ruleset.rounding.places
    card: ScoreCard = unit.card
    effects = {e.adjustment.target: e for e in evaluation.effects_for(card.department)}

    def adjusted(node: Any, target: str) -> None:
        if target in effects:
            e = effects[target]
            node.add(f"[yellow]corrected by the review: self-declared {number(e.self_declared, places)} → reviewed "
                     f"{number(e.reviewed, places)}[/] ({escape(e.adjustment.reason)})")
    rank = f"{unit.rank}{' (shared)' if unit.tied else ''} of {len(ranking.units)}"
    tree = Tree(f"[bold]{escape(card.name)}[/] ({card.department}) · {ranking.year} · total [bold]{number(card.total, places)}[/] · rank {rank}", guide_style="dim")
    for content in ruleset.contents:
        branch = tree.add(f"[bold]{escape(content.id)}. {escape(content.title)}[/]: {number(card.contents[content.id], places)} of {number(content.max_points, places)}")
        for cs in card.criteria:
            if cs.content_id != content.id:
                continue
            head = f"[cyan]{escape(cs.criterion.no)}[/] {escape(cs.criterion.title)}: [bold]{number(cs.points, places)}[/] of {number(cs.criterion.max_points, places)}"
            if cs.criterion.max_bonus:
                head += f" + bonus {number(cs.bonus, places)} of {number(cs.criterion.max_bonus, places)}"
            node = branch.add(head)
            for line in criterion_formula(cs, places):
                node.add(escape(line))
            adjusted(node, cs.criterion.id)
            if cs.value is not None and cs.value.evidence:
                node.add(f"[dim]evidence: {escape(cs.value.evidence)}[/]")
            if cs.claimed is not None:
                mark = "[yellow]differs[/]" if cs.claim_differs else "matches"
                node.add(f"self-declared {number(cs.claimed, places)}, computed {number(cs.total, places)}: {mark}")
            node.add(f"[dim]source: {escape(cs.criterion.source)}[/]")
    if card.deductions:
        branch = tree.add(f"[bold]Deductions[/]: {number(card.deducted, places)}")
        for d in card.deductions:
            rule = ruleset.deduction(d.deduction_id)
            per = plain(rule.per) if rule else "?"
            cap = f", at most {plain(rule.cap)}" if rule and rule.cap is not None else ""
            text = f"{d.deduction_id}: {d.count} × {per}{cap} = {number(d.points, places)}"
            if d.lost_to_cap:
                text += f" (the cap cut off {number(d.lost_to_cap, places)})"
            adjusted(branch.add(escape(text)), d.deduction_id)
    tree.add(
        f"[bold]Total[/]: base {number(card.base, places)} + bonus {number(card.bonus, places)} − deductions "
        f"{number(card.deducted, places)} = [bold]{number(card.total, places)}[/] "
        f"({percent(card.share)} of {number(ruleset.max_points, places)})"
    )
    ranked = tree.add(f"[bold]Rank[/]: {rank}")
    if ruleset.tie_breakers:
        used = f"; decided by {unit.decided_by}" if unit.decided_by else ""
        ranked.add(f"tie-breakers: {', '.join(ruleset.tie_breakers)}{used}")
    awards = tree.add("[bold]Awards[/]")
    for award_id, granted, why in award_lines(ruleset, ranking, card.department):
        awards.add(f"{'[green]' if granted else ''}{escape(award_id)}: {escape(why)}{'[/]' if granted else ''}")
    return tree
