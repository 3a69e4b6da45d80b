"""A ruleset as a tree for people, or as the JSON of SPEC section 4."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from ..i18n import _
from ..ruleset import Criterion, Ruleset
from . import number, plain, terminal_text


def describe_rule(criterion: Criterion) -> str:
    """The rule in one line, in the regulation's terms (its kind words it)."""
    return criterion.rule.describe()


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
            {
                "id": d.id,
                "title": d.title,
                "per": f"{d.per:f}",
                "cap": None if d.cap is None else f"{d.cap:f}",
                "source": d.source,
            }
            for d in ruleset.deductions
        ],
        "awards": [
            {
                "id": a.id,
                "title": a.title,
                "quota": a.quota,
                "min_share": f"{a.min_share:f}",
                "require_zero": list(a.require_zero),
            }
            for a in ruleset.awards
        ],
        "tie_breakers": list(ruleset.tie_breakers),
    }


def as_json(ruleset: Ruleset) -> str:
    return json.dumps(as_data(ruleset), ensure_ascii=False, indent=2) + "\n"


def as_tree(ruleset: Ruleset) -> Any:
    """A rich Tree of contents and criteria with maxima and sources."""
    from rich.markup import escape as escape_markup

    def escape(text: str) -> str:
        # input text: no markup read in it, no control sequence, no forged line
        return escape_markup(terminal_text(text))

    from rich.tree import Tree

    places = ruleset.rounding.places

    def maxima(points: Decimal, bonus: Decimal) -> str:
        text = f"[bold]{number(points, places)}[/]"
        return text + (_(" + bonus {bonus}").format(bonus=number(bonus, places)) if bonus else "")

    def dim(text: str) -> str:
        return f"[dim]{escape(text)}[/]"

    def bold(text: str) -> str:
        return f"[bold]{escape(text)}[/]"

    tree = Tree(
        _("{title} ({id}, version {version}) · maximum {maximum}").format(
            title=f"[bold]{escape(ruleset.title)}[/]",
            id=escape(ruleset.ruleset),
            version=escape(ruleset.version),
            maximum=maxima(ruleset.max_points, ruleset.max_bonus),
        ),
        guide_style="dim",
    )
    if ruleset.based_on:
        tree.add(dim(_("based on: {regulation}").format(regulation=ruleset.based_on)))
    for content in ruleset.contents:
        branch = tree.add(
            f"[bold]{escape(content.id)}. {escape(content.title)}[/] · {maxima(content.max_points, content.max_bonus)}"
        )
        for c in content.criteria:
            node = branch.add(f"[cyan]{escape(c.no)}[/] {escape(c.title)} · {maxima(c.max_points, c.max_bonus)}")
            node.add(f"[dim]{escape(c.id)} · {c.kind}: {escape(describe_rule(c))}[/]")
            node.add(dim(_("source: {source}").format(source=c.source)))
    if ruleset.deductions:
        branch = tree.add(bold(_("Deductions")))
        for d in ruleset.deductions:
            each = (
                _("{per} each, at most {cap}").format(per=plain(d.per), cap=plain(d.cap))
                if d.cap is not None
                else _("{per} each").format(per=plain(d.per))
            )
            branch.add(f"{escape(d.id)}: {escape(d.title)} · {escape(each)}")
    if ruleset.awards:
        branch = tree.add(bold(_("Awards")))
        for a in ruleset.awards:
            values = {"quota": a.quota, "share": plain(a.min_share * 100)}
            rule = (
                _("{quota} unit(s), total ≥ {share} % of the maximum, requires zero {deductions}").format(
                    deductions=", ".join(a.require_zero), **values
                )
                if a.require_zero
                else _("{quota} unit(s), total ≥ {share} % of the maximum").format(**values)
            )
            branch.add(f"{escape(a.id)}: {escape(a.title)} · {escape(rule)}")
    if ruleset.tie_breakers:
        tree.add(bold(_("Tie-breakers")) + f": {', '.join(ruleset.tie_breakers)}")
    return tree
