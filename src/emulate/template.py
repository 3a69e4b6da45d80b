"""`emulate new`: a submission template that a person can fill in without the spec.

Pure: builds the text from a ruleset. Every value to fill is left empty, so
that validating the untouched template reports exactly what is still to do.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from .i18n import _
from .ruleset import Department, Ruleset
from .submission import Submission


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


# --- a submission written back as YAML (`emulate import`) -------------------------------------------

_PLAIN = re.compile(r"[a-z][a-z0-9_-]*\Z")
_NOT_PLAIN = frozenset({"true", "false", "null", "yes", "no", "on", "off", "y", "n"})


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        shown = value.normalize() if value == value.to_integral_value() else value
        return f"{shown:f}"
    text = str(value)
    if _PLAIN.match(text) and text not in _NOT_PLAIN:
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _lines(value: Any, indent: int) -> list[str]:
    """`value` (mappings, lists and scalars) as block YAML lines, each indented by `indent` spaces."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{_scalar(key)}:")
                lines += _lines(item, indent + 2)
            else:
                lines.append(f"{pad}{_scalar(key)}: {_scalar(item) if item != {} else '{}'}")
        return lines
    for item in value:
        inner = _lines(item, indent + 2) if isinstance(item, (dict, list)) else [f"{pad}  {_scalar(item)}"]
        lines.append(f"{pad}- {inner[0].lstrip()}")
        lines += inner[1:]
    return lines


def canonical_submission(submission: Submission, ruleset: Ruleset) -> str:
    """The submission as YAML: the keys in the ruleset's order, every value as given, nothing else.

    What `emulate import` writes from a filled Excel form, so a bloc can keep YAML in its repository.
    """
    criteria: dict[str, Any] = {}
    for _content, criterion in ruleset.criteria():
        value = submission.criteria.get(criterion.id)
        if value is not None:
            criteria[criterion.id] = value.model_dump(mode="python", exclude_none=True, exclude_unset=True)
    data: dict[str, Any] = {"department": submission.department, "year": submission.year, "criteria": criteria}
    deductions = {d.id: submission.deductions[d.id] for d in ruleset.deductions if submission.deductions.get(d.id)}
    if deductions:
        data["deductions"] = deductions
    if submission.self_score:
        data["self_score"] = dict(submission.self_score)
    return "\n".join(_lines(data, 0)) + "\n"
