"""A ruleset as a tree for people, or as the JSON of SPEC section 4."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from ..i18n import _
from ..ruleset import Conditions, Criterion, Ruleset
from . import award_in_words, conditions_in_words, number, plain, terminal_text, tie_breaker_in_words


def describe_rule(criterion: Criterion) -> str:
    """The rule in one line, in the regulation's terms (its kind words it)."""
    return criterion.rule.describe()


def _share(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def _conditions(c: Conditions) -> dict[str, Any]:
    return {
        "min_share": _share(c.min_share),
        "min_points": _share(c.min_points),
        "min_criterion_share": _share(c.min_criterion_share),
        "require_zero": list(c.require_zero),
    }


def as_data(ruleset: Ruleset) -> dict[str, Any]:
    places = ruleset.rounding.places
    return {
        "id": ruleset.ruleset,
        "year": ruleset.year,
        "version": ruleset.version,
        "title": ruleset.title,
        "max_points": number(ruleset.max_points, places),
        "max_bonus": number(ruleset.max_bonus, places),
        "max_deductions": number(ruleset.max_deductions, places),
        "floor": ruleset.floor,
        "compare": ruleset.compare,
        "groups": [{"id": g.id, "title": g.title} for g in ruleset.groups],
        "bodies": [{"id": b.id, "name": b.name} for b in ruleset.bodies],
        "departments": [{"id": d.id, "name": d.name, "group": d.group} for d in ruleset.departments],
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
                        "counts_as": c.counts_as,
                        "applies_to": c.applies_to,
                        "except": c.except_,
                        "not_applicable": c.not_applicable,
                        "scored_by": c.scored_by,
                        "combine": c.combining if c.by_peers else None,
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
                **_conditions(a),
                "exclusive": a.exclusive,
                "across_groups": a.across_groups,
            }
            for a in ruleset.awards
        ],
        "classification": [{"id": c.id, "title": c.title, **_conditions(c)} for c in ruleset.classification],
        "rank_by_class": ruleset.rank_by_class,
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
    branch = tree.add(bold(_("Departments (the ids to use in `new`, submissions and reviews)")))
    for unit in ruleset.departments:
        role = " · " + _("leader") if unit.role == "leader" else ""
        branch.add(f"[cyan]{escape(unit.id)}[/]: {escape(unit.name)}{dim(role)}")
    for content in ruleset.contents:
        branch = tree.add(
            f"[bold]{escape(content.id)}. {escape(content.title)}[/] · {maxima(content.max_points, content.max_bonus)}"
        )
        for c in content.criteria:
            node = branch.add(f"[cyan]{escape(c.no)}[/] {escape(c.title)} · {maxima(c.max_points, c.max_bonus)}")
            node.add(f"[dim]{escape(c.id)} · {c.kind}: {escape(describe_rule(c))}[/]")
            for line in who_and_where(c):
                node.add(dim(line))
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
            branch.add(f"{escape(a.id)}: {escape(a.title)} · {escape(award_in_words(a))}")
    if ruleset.classification:
        branch = tree.add(
            bold(_("Classification")) + (dim(" · " + _("ranked by class first")) if ruleset.rank_by_class else "")
        )
        for k in ruleset.classification:
            conditions = ", ".join(conditions_in_words(k)) or _("every other unit")
            branch.add(f"{escape(k.id)}: {escape(k.title)} · {escape(conditions)}")
    if ruleset.groups:
        branch = tree.add(bold(_("Groups, ranked separately")))
        for g in ruleset.groups:
            members = ", ".join(d.id for d in ruleset.departments if d.group == g.id)
            branch.add(f"{escape(g.id)}: {escape(g.title)} · {escape(members)}")
    if ruleset.bodies:
        branch = tree.add(bold(_("Bodies that score or review")))
        for b in ruleset.bodies:
            branch.add(f"{escape(b.id)}: {escape(b.name)}")
    if ruleset.tie_breakers:
        breakers = ", ".join(tie_breaker_in_words(ruleset, b) for b in ruleset.tie_breakers)
        tree.add(bold(_("Tie-breakers")) + f": {escape(breakers)}")
    return tree


def who_and_where(c: Criterion) -> list[str]:
    """Where a criterion's points count and which units it applies to, in words (nothing for the usual)."""
    lines = []
    if c.counts_as == "bonus":
        lines.append(_("counts as bonus"))
    elif c.counts_as == "deduction":
        lines.append(_("counts as a deduction"))
    if c.applies_to is not None:
        lines.append(_("applies only to {ids}").format(ids=", ".join(c.applies_to)))
    if c.except_ is not None:
        lines.append(_("does not apply to {ids}").format(ids=", ".join(c.except_)))
    if c.not_applicable == "allowed":
        lines.append(_("a unit may declare it not applicable (with a reason)"))
    if c.by_peers:
        lines.append(_("scored by the other members ({combine} of their scores)").format(combine=c.combining))
    elif c.scored_by is not None:
        lines.append(_("scored by {scorer}").format(scorer=c.scored_by))
    return lines
