"""`emulate new`: a submission template that a person can fill in without the spec.

Pure: builds the text from a ruleset. Every value to fill is left empty, so
that validating the untouched template reports exactly what is still to do.
"""

from __future__ import annotations

from .i18n import _
from .render.rules import describe_rule
from .ruleset import (
    AssessedRule,
    ChecklistRule,
    CountPenaltyRule,
    CountPointsRule,
    Department,
    PercentRule,
    RatingRule,
    Ruleset,
    TargetsRule,
)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def submission_template(ruleset: Ruleset, department: Department) -> str:
    year = ruleset.year
    lines = [
        "# "
        + _("Submission of {name} ({department}) for {year}").format(
            name=department.name, department=department.id, year=year
        ),
        "# " + _("Ruleset: {title} (version {version})").format(title=ruleset.title, version=ruleset.version),
        "# " + _("Fill in every empty value (after the colon), keep the keys as they are, then check with:"),
        f"#   emulate validate submissions/{year}/{department.id}.yaml",
        "# " + _("Numbers use a dot for decimals (96.5, not 96,5) and no thousands separators (1500, not 1.500)."),
        "# " + _("Any criterion may also carry `evidence:` (the document that proves it) and `note:`."),
        f"department: {department.id}",
        f"year: {year}",
        "criteria:",
    ]
    for content in ruleset.contents:
        lines.append(
            f"  # ── {content.id}. {content.title} "
            + _("(maximum {maximum})").format(maximum=f"{content.max_points:f}")
        )
        for criterion in content.criteria:
            rule = criterion.rule
            lines.append(f"  # {criterion.no} {criterion.title}")
            lines.append(f"  #   {criterion.kind}: {describe_rule(criterion)}")
            lines.append(f"  {criterion.id}:")
            if isinstance(rule, TargetsRule):
                lines.append(
                    "    # "
                    + _(
                        "exactly {count} targets of your unit; `direction: lower` when less is better (e.g. late files)"
                    ).format(count=rule.count)
                )
                lines.append("    targets:")
                for n in range(1, rule.count + 1):
                    lines += [
                        "      - name:        # " + _("target {number}: what is measured").format(number=n),
                        "        unit:        # " + _("e.g. tỷ đồng, km, %"),
                        "        direction: higher",
                        "        target:      # " + _("the registered target (a number)"),
                        "        actual:      # " + _("the result achieved (a number)"),
                        "        evidence:    # " + _("e.g. Báo cáo số .../BC-... ngày ..."),
                    ]
            elif isinstance(rule, RatingRule):
                lines.append("    rating:        # " + _("one of: {ratings}").format(ratings=", ".join(rule.scale)))
            elif isinstance(rule, PercentRule):
                lines.append("    percent:       # " + _("from 0 to {maximum}").format(maximum=100))
            elif isinstance(rule, ChecklistRule):
                lines.append("    items:")
                for item_id, item in rule.items.items():
                    allowed = (
                        _("true, false or not_applicable") if item.if_not_applicable == "full" else _("true or false")
                    )
                    lines.append(f"      {item_id}:    # {item.title} ({item.points:f}): {allowed}")
            elif isinstance(rule, (CountPointsRule, CountPenaltyRule)):
                lines.append("    count:         # " + _("how many (a whole number, 0 if none)"))
            elif isinstance(rule, AssessedRule):
                lines.append("    points:        # " + _("from 0 to {maximum}").format(maximum=f"{rule.max:f}"))
    if ruleset.deductions:
        lines.append("deductions:        # " + _("how many times each happened (0 if never)"))
        for deduction in ruleset.deductions:
            lines.append(
                f"  {deduction.id}: 0    # {deduction.title} (" + _("{per} each").format(per=f"{deduction.per:f}") + ")"
            )
    lines.append("# self_score:      # " + _("optional: the points you claim per criterion, e.g."))
    lines.append(f"#   {ruleset.criterion_ids[0]}: 350")
    return "\n".join(lines) + "\n"
