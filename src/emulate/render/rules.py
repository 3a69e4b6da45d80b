"""A ruleset as a tree for people, or as the JSON of SPEC section 4."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from ..ruleset import (
    AssessedRule, ChecklistRule, CountPenaltyRule, CountPointsRule, Criterion, PercentRule, RatingRule, Ruleset,
    TargetsRule,
)
from . import number, plain


def describe_rule(criterion: Criterion) -> str:
    """The rule in one line, in the regulation's terms."""
    rule = criterion.rule
    if isinstance(rule, TargetsRule):
        text = f"{rule.count} targets × {plain(rule.points_each)}"
        if rule.bonus_per_percent > 0:
            text += f"; bonus {plain(rule.bonus_per_percent)} per 1 % beyond target, at most {plain(rule.bonus_cap_each)} each"
        return text
    if isinstance(rule, RatingRule):
        text = ", ".join(f"{label} {plain(points)}" for label, points in rule.scale.items())
        if rule.bonus is not None:
            text += f"; bonus {plain(rule.bonus.points)} at {rule.bonus.at_least} or better"
        return text
    if isinstance(rule, PercentRule):
        return f"percent done × {plain(rule.max)}"
    if isinstance(rule, ChecklistRule):
        parts = []
        for item_id, item in rule.items.items():
            part = f"{item_id} {plain(item.points)}"
            if item.if_not_applicable == "full":
                part += " (not applicable: full points)"
            parts.append(part)
        return ", ".join(parts)
    if isinstance(rule, CountPointsRule):
        return f"{plain(rule.per)} per occurrence, at most {plain(rule.cap)}"
    if isinstance(rule, CountPenaltyRule):
        return f"{plain(rule.max)}, less {plain(rule.per)} per occurrence, not below 0"
    if isinstance(rule, AssessedRule):
        return f"assessed, 0 to {plain(rule.max)}"
    return rule.kind  # pragma: no cover


def as_data(ruleset: Ruleset) -> dict[str, Any]:
    places = ruleset.rounding.places
    return {
        "id": ruleset.ruleset,
        "year": ruleset.year,
        "version": ruleset.version,
        "title": ruleset.title,
        "max_points": number(ruleset.max_points, places),
        "max_bonus": number(ruleset.max_bonus, places),
        "departments": [{"id": d.id, "name": d.name} for d in ruleset.departments],
        "contents": [
            {
                "id": content.id,
                "title": content.title,
                "max_points": number(content.max_points, places),
                "max_bonus": number(content.max_bonus, places),
                "criteria": [
                    {
                        "id": c.id,
                        "no": c.no,
                        "title": c.title,
                        "kind": c.kind,
                        "max_points": number(c.max_points, places),
                        "max_bonus": number(c.max_bonus, places),
                        "source": c.source,
                        "rule": c.rule.model_dump(mode="json", exclude={"kind"}, exclude_none=True),
                    }
                    for c in content.criteria
                ],
            }
            for content in ruleset.contents
        ],
        "deductions": [
            {"id": d.id, "title": d.title, "per": f"{d.per:f}", "cap": None if d.cap is None else f"{d.cap:f}", "source": d.source}
            for d in ruleset.deductions
        ],
        "awards": [
            {"id": a.id, "title": a.title, "quota": a.quota, "min_share": f"{a.min_share:f}", "require_zero": list(a.require_zero)}
            for a in ruleset.awards
        ],
        "tie_breakers": list(ruleset.tie_breakers),
    }


def as_json(ruleset: Ruleset) -> str:
    return json.dumps(as_data(ruleset), ensure_ascii=False, indent=2) + "\n"


def as_tree(ruleset: Ruleset) -> Any:
    """A rich Tree of contents and criteria with maxima and sources."""
    from rich.markup import escape
    from rich.tree import Tree

    places = ruleset.rounding.places

    def maxima(points: Decimal, bonus: Decimal) -> str:
        text = f"[bold]{number(points, places)}[/]"
        return text + (f" + bonus {number(bonus, places)}" if bonus else "")

    tree = Tree(
        f"[bold]{escape(ruleset.title)}[/] ({escape(ruleset.ruleset)}, version {escape(ruleset.version)})"
        f" · maximum {maxima(ruleset.max_points, ruleset.max_bonus)}",
        guide_style="dim",
    )
    if ruleset.based_on:
        tree.add(f"[dim]based on: {escape(ruleset.based_on)}[/]")
    for content in ruleset.contents:
        branch = tree.add(f"[bold]{escape(content.id)}. {escape(content.title)}[/] · {maxima(content.max_points, content.max_bonus)}")
        for c in content.criteria:
            node = branch.add(f"[cyan]{escape(c.no)}[/] {escape(c.title)} · {maxima(c.max_points, c.max_bonus)}")
            node.add(f"[dim]{escape(c.id)} · {c.kind}: {escape(describe_rule(c))}[/]")
            node.add(f"[dim]source: {escape(c.source)}[/]")
    if ruleset.deductions:
        branch = tree.add("[bold]Deductions[/]")
        for d in ruleset.deductions:
            cap = f", at most {plain(d.cap)}" if d.cap is not None else ""
            branch.add(f"{escape(d.id)}: {escape(d.title)} · {plain(d.per)} each{cap}")
    if ruleset.awards:
        branch = tree.add("[bold]Awards[/]")
        for a in ruleset.awards:
            zero = f", requires zero {', '.join(a.require_zero)}" if a.require_zero else ""
            branch.add(f"{escape(a.id)}: {escape(a.title)} · {a.quota} unit(s), total ≥ {plain(a.min_share * 100)} % of the maximum{zero}")
    if ruleset.tie_breakers:
        tree.add(f"[bold]Tie-breakers[/]: {', '.join(ruleset.tie_breakers)}")
    return tree
