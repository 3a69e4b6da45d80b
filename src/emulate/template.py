"""`emulate new`: a submission template that a person can fill in without the spec.

Pure: builds the text from a ruleset. Every value to fill is left empty, so
that validating the untouched template reports exactly what is still to do.
"""

from __future__ import annotations

from .i18n import _
from .ruleset import Department, Ruleset


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
            if not ruleset.applies(criterion, department.id):
                continue  # a value for it would be an error (E409)
            if criterion.by_others:
                continue  # its value comes from assessments/ (E410 in a submission)
            lines.append(f"  # {criterion.no} {criterion.title}")
            lines.append(f"  #   {criterion.kind}: {criterion.rule.describe()}")
            if criterion.not_applicable == "allowed":
                lines.append("  #   " + _('or, if it does not apply to you: {{not_applicable: true, reason: "..."}}'))
            lines.append(f"  {criterion.id}:")
            lines += criterion.rule.template_lines()
    if ruleset.deductions:
        lines.append("deductions:        # " + _("how many times each happened (0 if never)"))
        for deduction in ruleset.deductions:
            lines.append(
                f"  {deduction.id}: 0    # {deduction.title} (" + _("{per} each").format(per=f"{deduction.per:f}") + ")"
            )
    first = next((c for _, c in ruleset.criteria() if ruleset.applies(c, department.id)), None)
    if first is None:
        return "\n".join(lines) + "\n"
    lines.append("# self_score:      # " + _("optional: the points you claim per criterion, e.g."))
    lines.append(f"#   {first.id}: {first.max_points + first.max_bonus:f}")
    return "\n".join(lines) + "\n"
