"""What changed between two rulesets, and whom it moves: text, Markdown, or the JSON of SPEC section 4.

Text is in the manner of dyff: grouped by content in the regulation's
numbering, each change marked `+` added, `-` removed, `±` changed, with old and
new values; then the whole ruleset, the metadata, and sources and notes, so
that the substantive changes come first. `as_text` returns a rich `Text`:
styled for a terminal, plain (`.plain`) anywhere else. Renderers read the two
rulesets only to name things (numbers, titles, what a new criterion awards);
every difference comes from `emulate.diff`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import i18n
from ..diff import Change, Impact, Side, UnitImpact
from ..i18n import _
from ..ruleset import Award, Criterion, Deduction, Ruleset
from . import award_in_words, figure, markdown_text, number, plain, terminal_text
from .rules import describe_rule

FORMATS = ("text", "json", "markdown")
MARKS = {"added": "+", "removed": "-", "changed": "±", "renumbered": "±"}
STYLES = {"added": "green", "removed": "red", "changed": "yellow", "renumbered": "yellow"}
_BLOCK = 70  # old and new longer than this together are shown on lines of their own, as dyff does


# --- grouping: what a reader sees under which heading -------------------------------------


@dataclass
class Section:
    """Changes under one heading; `criterion` is None for changes of the content or ruleset itself."""

    criterion: str | None
    changes: list[Change] = field(default_factory=list)


@dataclass
class Group:
    title: str
    sections: list[Section] = field(default_factory=list)


def _criterion(criterion_id: str, old: Ruleset, new: Ruleset) -> Criterion | None:
    return new.criterion(criterion_id) or old.criterion(criterion_id)


def _content_title(content_id: str, old: Ruleset, new: Ruleset) -> str:
    content = next((c for c in (*new.contents, *old.contents) if c.id == content_id), None)
    return f"{content_id}. {content.title}" if content else content_id


def groups(old: Ruleset, new: Ruleset, changes: Sequence[Change]) -> list[Group]:
    """Contents in order, then the whole ruleset, metadata, sources and notes.

    Runs of one criterion stand under its heading.
    """
    found: dict[str, Group] = {}
    for change in changes:
        if change.aspect == "metadata":
            key, title = "metadata", _("Metadata")
        elif change.aspect == "sources":
            key, title = "sources", _("Sources and notes")
        elif change.content is not None:
            key, title = f"content:{change.content}", _content_title(change.content, old, new)
        else:
            key, title = "ruleset", _("Whole ruleset")
        group = found.setdefault(key, Group(title))
        if not group.sections or group.sections[-1].criterion != change.criterion:
            group.sections.append(Section(change.criterion))
        group.sections[-1].changes.append(change)
    contents = [g for k, g in found.items() if k.startswith("content:")]
    return contents + [found[k] for k in ("ruleset", "metadata", "sources") if k in found]


def criterion_heading(criterion_id: str, old: Ruleset, new: Ruleset) -> str:
    criterion = _criterion(criterion_id, old, new)
    return f"{criterion.no} {criterion.title} ({criterion_id})" if criterion else criterion_id


def criterion_title(criterion_id: str, old: Ruleset, new: Ruleset) -> tuple[str, str]:
    """(number, title) of a criterion, the new rules' first; empty when neither side has it."""
    criterion = _criterion(criterion_id, old, new)
    return (criterion.no, criterion.title) if criterion else ("", "")


def kind_word(op: str) -> str:
    """added, removed, changed or renumbered, in the user's language."""
    words = {"added": _("added"), "removed": _("removed"), "changed": _("changed"), "renumbered": _("renumbered")}
    return words.get(op, op)


# --- one change in words --------------------------------------------------------------------


def _rule_in_words(criterion: Criterion) -> str:
    words = describe_rule(criterion)
    return words if words.startswith(criterion.kind) else f"{criterion.kind}: {words}"


def _deduction_in_words(deduction: Deduction) -> str:
    if deduction.cap is not None:
        return _("{title} ({per} each, at most {cap})").format(
            title=deduction.title, per=plain(deduction.per), cap=plain(deduction.cap)
        )
    return _("{title} ({per} each)").format(title=deduction.title, per=plain(deduction.per))


def _award_in_words(award: Award) -> str:
    return f"{award.title} ({award_in_words(award)})"


def _whole_node(change: Change, old: Ruleset, new: Ruleset) -> str | None:
    """A node added or removed, described from its ruleset (the JSON names it only)."""
    ruleset = new if change.op == "added" else old
    kind, _dot, node_id = change.path.partition(".")
    if change.criterion is not None and change.path == "":
        criterion = ruleset.criterion(change.criterion)
        return _rule_in_words(criterion) if criterion else None
    if change.criterion is None and kind == "deductions" and "." not in node_id:
        deduction = ruleset.deduction(node_id)
        return _deduction_in_words(deduction) if deduction else None
    if change.criterion is None and kind == "awards" and "." not in node_id:
        award = next((a for a in ruleset.awards if a.id == node_id), None)
        return _award_in_words(award) if award else None
    return None


def shown_path(change: Change) -> str:
    """The path as a line under its heading shows it: whole criteria and contents in words."""
    if change.criterion is not None:
        if change.path == "":
            return _("criterion added") if change.op == "added" else _("criterion removed")
        return _("renumbered") if change.op == "renumbered" else path_in_words(change.path)
    if change.content is not None and change.path == f"contents.{change.content}":
        return _("content added") if change.op == "added" else _("content removed")
    return path_in_words(change.path)  # a content's own maxima keep their full path, not the criterion's above


def _path_words() -> dict[str, str]:
    """The words of the keys a path goes through (ids between them stay as they are)."""
    return {
        "rule": "",
        "kind": _("kind of rule"),
        "count": _("number of targets"),
        "points_each": _("points per target"),
        "bonus_per_percent": _("bonus per percent above target"),
        "bonus_cap_each": _("bonus cap per target"),
        "scale": _("scale"),
        "titles": _("title of the label"),
        "bonus": _("bonus"),
        "at_least": _("from the label"),
        "points": _("points"),
        "items": _("item"),
        "title": _("title"),
        "if_not_applicable": _("if not applicable"),
        "max": _("maximum"),
        "per": _("points each time"),
        "cap": _("cap"),
        "contents": _("content"),
        "max_points": _("maximum points"),
        "max_bonus": _("maximum bonus"),
        "deductions": _("deduction"),
        "awards": _("award"),
        "quota": _("quota"),
        "min_share": _("minimum share of the maximum"),
        "tie_breakers": _("tie-breakers"),
        "departments": _("unit"),
        "name": _("name"),
        "rounding": _("rounding"),
        "places": _("decimal places"),
        "source": _("source"),
        "note": _("note"),
        "counts_as": _("counts as"),
        "applies_to": _("applies to"),
        "except": _("except"),
        "not_applicable": _("may be not applicable"),
        "ruleset": _("ruleset id"),
        "year": _("year"),
        "version": _("version"),
        "based_on": _("based on"),
        "previous": _("previous ruleset"),
    }


def path_in_words(path: str) -> str:
    """A dotted path as people read it in Vietnamese (`rule.points_each` as "điểm mỗi chỉ tiêu");
    in English it stays the path of the JSON, which it names."""
    if i18n.language() == "en" or not path:
        return path
    words = _path_words()
    parts = [words.get(part, part) for part in path.split(".")]
    return " › ".join(part for part in parts if part)


def shown_values(change: Change, old: Ruleset, new: Ruleset) -> tuple[str | None, str | None]:
    """Old and new as shown: a whole node described in full where the ruleset says more than its name."""
    words = _whole_node(change, old, new)
    if words is None and change.aspect == "rules" and change.op != "renumbered":  # numbers, not years or versions
        return (
            None if change.old is None else figure(change.old),
            None if change.new is None else figure(change.new),
        )
    if words is None:
        return change.old, change.new
    return (words, None) if change.op == "removed" else (None, words)


# --- text -----------------------------------------------------------------------------------


def _side(ruleset: Ruleset) -> str:
    return _("{year} (version {version})").format(year=ruleset.year, version=ruleset.version)


def headline(old: Ruleset, new: Ruleset) -> str:
    if old.ruleset == new.ruleset:
        return f"{old.ruleset}: {_side(old)} → {_side(new)}"
    return f"{old.ruleset} {_side(old)} → {new.ruleset} {_side(new)}"


def summary(changes: Sequence[Change]) -> str:
    if not changes:
        return _("No differences.")
    where = {
        "rules": _("{count} in the rules"),
        "metadata": _("{count} in the metadata"),
        "sources": _("{count} in sources and notes"),
    }
    counts = {aspect: sum(c.aspect == aspect for c in changes) for aspect in where}
    parts = [where[aspect].format(count=count) for aspect, count in counts.items() if count]
    return _("{count} difference(s): {parts}.").format(count=len(changes), parts=", ".join(parts))


def side_label(ruleset: Ruleset, other: Ruleset, fallback: str) -> str:
    """How a column names a side: its year, else its version, else old/new."""
    if ruleset.year != other.year:
        return str(ruleset.year)
    if ruleset.version != other.version:
        return ruleset.version
    return fallback


Line = list[tuple[str, str]]  # (text, rich style) segments


def _change_lines(change: Change, old: Ruleset, new: Ruleset, indent: str) -> list[Line]:
    mark, style = MARKS[change.op], STYLES[change.op]
    path = shown_path(change)
    before, after = shown_values(change, old, new)
    if change.op in ("changed", "renumbered"):
        if len(before or "") + len(after or "") <= _BLOCK:
            return [
                [(indent, ""), (f"{mark} {path}: ", style), (before or "", "red"), (" → ", ""), (after or "", "green")]
            ]
        return [
            [(indent, ""), (f"{mark} {path}", style)],
            [(indent + "    ", ""), ("- ", "red"), (before or "", "")],
            [(indent + "    ", ""), ("+ ", "green"), (after or "", "")],
        ]
    value = after if change.op == "added" else before
    return [[(indent, ""), (f"{mark} {path}", style), (f": {value}" if value else "", "")]]


def _diff_lines(old: Ruleset, new: Ruleset, changes: Sequence[Change]) -> list[Line]:
    lines: list[Line] = [[(headline(old, new), "bold")], [(summary(changes), "")]]
    for group in groups(old, new, changes):
        lines += [[], [(group.title, "bold")]]
        for section in group.sections:
            indent = "  "
            if section.criterion is not None:
                lines.append([("  ", ""), (criterion_heading(section.criterion, old, new), "cyan")])
                indent = "    "
            for change in section.changes:
                lines += _change_lines(change, old, new, indent)
    return lines


def _rank(side: Side | None) -> str:
    return "—" if side is None or side.rank is None else str(side.rank)


def _total(side: Side | None) -> str:
    return "—" if side is None else number(side.total, side.places)


def _movement(unit: UnitImpact) -> str:
    moved = unit.rank_movement
    if moved is None:
        return ""
    return "=" if moved == 0 else f"↑{moved}" if moved > 0 else f"↓{-moved}"


def _total_change(unit: UnitImpact) -> str:
    change = unit.total_change
    if change is None or unit.new is None:
        return ""
    text = number(change, unit.new.places)
    return text if change < 0 else f"+{text}"


def award_cell(unit: UnitImpact) -> str:
    """The award under both rules: one id when it is the same, else `old → new`."""
    before = unit.old.award if unit.old else None
    after = unit.new.award if unit.new else None
    if before == after:
        return before or ""
    return f"{before or '—'} → {after or '—'}"


def side_labels(old: Ruleset, new: Ruleset) -> tuple[str, str]:
    """How the columns of the re-scoring name the old and the new side."""
    return side_label(old, new, _("old")), side_label(new, old, _("new"))


def impact_rows(old: Ruleset, new: Ruleset, impact: Impact) -> tuple[list[str], list[list[str]]]:
    a, b = side_labels(old, new)
    headers = [
        _("Unit"),
        _("{side} total").format(side=a),
        _("{side} rank").format(side=a),
        _("{side} total").format(side=b),
        _("{side} rank").format(side=b),
        _("Δ total"),
        _("Δ rank"),
        _("Award"),
    ]
    rows = [
        [
            unit.name,
            _total(unit.old),
            _rank(unit.old),
            _total(unit.new),
            _rank(unit.new),
            _total_change(unit),
            _movement(unit),
            award_cell(unit),
        ]
        for unit in impact.units
    ]
    return headers, rows


def impact_notes(old: Ruleset, new: Ruleset, impact: Impact) -> list[str]:
    """The inputs each side could not use (grouped across units), units not compared, units without a submission."""
    notes: list[str] = []
    sides_of: tuple[tuple[str, str, Ruleset, Callable[[UnitImpact], Side | None]], ...] = (
        (
            _("Under the old rules ({year}): every input is used as submitted."),
            _("Under the old rules ({year}):"),
            old,
            lambda u: u.old,
        ),
        (
            _("Under the new rules ({year}): every input is used as submitted."),
            _("Under the new rules ({year}):"),
            new,
            lambda u: u.new,
        ),
    )
    for all_used, heading, ruleset, pick in sides_of:
        sides = [(unit.department, side) for unit in impact.units if (side := pick(unit)) is not None]
        found: dict[tuple[str, str, str], list[str]] = {}
        for department, side in sides:
            for what, entries in (("missing", side.missing), ("ignored", side.ignored)):
                for note in entries:
                    found.setdefault((what, note.name, note.reason), []).append(department)
        if not found:
            notes.append(all_used.format(year=ruleset.year))
            continue
        notes.append(heading.format(year=ruleset.year))
        for (_what, name, reason), departments in found.items():
            who = (
                _("all {count} units").format(count=len(sides))
                if len(departments) == len(sides) and len(sides) > 1
                else ", ".join(departments)
            )
            notes.append(f"  {name}: {reason} ({who})")
    for unit in impact.units:
        if unit.reason is not None:
            notes.append(
                _("Not compared: {department}: {reason}.").format(department=unit.department, reason=unit.reason)
            )
    if impact.without_submission:
        notes.append(
            _("No submission for {year}: {departments}.").format(
                year=impact.year, departments=", ".join(impact.without_submission)
            )
        )
    return notes


def impact_title(impact: Impact) -> str:
    if not impact.units:
        return _("Re-scored: there is no submission to score")
    return _("Re-scored: the {count} submission(s) of {year} under both rules").format(
        count=len(impact.units), year=impact.year
    )


def _cell_len(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


#: the width the re-scoring table fits in (a terminal's, or a file's)
TEXT_WIDTH = 80


def _impact_lines(old: Ruleset, new: Ruleset, impact: Impact) -> list[Line]:
    """The re-scoring table in TEXT_WIDTH columns: heads on two lines, long unit names wrapped."""
    import textwrap

    headers, rows = impact_rows(old, new, impact)
    last = len(headers) - 1
    heads = [h.rsplit(" ", 1) if " " in h and 0 < i < last else ["", h] for i, h in enumerate(headers)]
    widths = [max([_cell_len(h[0]), _cell_len(h[1]), *(_cell_len(r[i]) for r in rows)]) for i, h in enumerate(heads)]
    rest = 2 + sum(widths[1:]) + 2 * last
    widths[0] = max(12, min(widths[0], TEXT_WIDTH - rest))

    def cells(row: list[str]) -> str:
        parts = []
        for i, cell in enumerate(row):
            pad = " " * max(widths[i] - _cell_len(cell), 0)
            parts.append(cell + pad if i in (0, last) else pad + cell)
        return "  " + "  ".join(parts).rstrip()

    lines: list[Line] = [[], [(impact_title(impact), "bold")]]
    if any(h[0] for h in heads):
        lines.append([(cells([h[0] for h in heads]), "bold")])
    lines.append([(cells([h[1] for h in heads]), "bold")])
    for unit, row in zip(impact.units, rows, strict=True):
        moved = unit.rank_movement
        style = "green" if moved and moved > 0 else "red" if moved and moved < 0 else ""
        name = textwrap.wrap(row[0], widths[0]) or [""]
        lines.append([(cells([name[0], *row[1:]]), style)])
        lines += [[("  " + more, style)] for more in name[1:]]
    for note in impact_notes(old, new, impact):
        indent = "  " + note[: len(note) - len(note.lstrip())]
        wrapped = textwrap.wrap(
            note.strip(), TEXT_WIDTH, initial_indent=indent, subsequent_indent=indent + "  ", break_on_hyphens=False
        )
        lines += [[(line, "dim")] for line in wrapped]
    return lines


def as_text(old: Ruleset, new: Ruleset, changes: Sequence[Change], impact: Impact | None = None) -> Any:
    """A rich Text: colours show on a terminal only; `.plain` is the same without them."""
    from rich.text import Text

    lines = _diff_lines(old, new, changes) + (_impact_lines(old, new, impact) if impact is not None else [])
    text = Text()
    for line in lines:
        for segment, style in line:
            text.append(terminal_text(segment), style or None)
        text.append("\n")
    return text


# --- Markdown -------------------------------------------------------------------------------


def _md(cell: str | None) -> str:
    return markdown_text(cell or "")


def as_markdown(old: Ruleset, new: Ruleset, changes: Sequence[Change], impact: Impact | None = None) -> str:
    title = _("Rule changes: {headline}").format(headline=_md(headline(old, new)))
    head = "| | {where} | {change} | {old} | {new} |".format(
        where=_("Where"), change=_("Change"), old=_("Old"), new=_("New")
    )
    lines = [f"## {title}", "", summary(changes)]
    for group in groups(old, new, changes):
        lines += ["", f"### {_md(group.title)}", "", head, "|---|---|---|---|---|"]
        for section in group.sections:
            where = _md(criterion_heading(section.criterion, old, new)) if section.criterion else ""
            for change in section.changes:
                before, after = shown_values(change, old, new)
                lines.append(
                    f"| {MARKS[change.op]} | {where} | `{shown_path(change)}` | {_md(before)} | {_md(after)} |"
                )
    if impact is not None:
        headers, rows = impact_rows(old, new, impact)
        lines += [
            "",
            f"### {impact_title(impact)}",
            "",
            "| " + " | ".join(headers) + " |",
            "|---|" + "---:|" * (len(headers) - 2) + "---|",
        ]
        lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
        lines.append("")
        lines += [
            f"{'  ' if note.startswith('  ') else ''}- {_md(note.strip())}" for note in impact_notes(old, new, impact)
        ]
    return "\n".join(lines) + "\n"


# --- JSON -----------------------------------------------------------------------------------


def impact_records(impact: Impact) -> list[dict[str, Any]]:
    return [
        {
            "department": unit.department,
            "old_rank": unit.old.rank if unit.old else None,
            "new_rank": unit.new.rank if unit.new else None,
            "old_total": number(unit.old.total, unit.old.places) if unit.old else None,
            "new_total": number(unit.new.total, unit.new.places) if unit.new else None,
        }
        for unit in impact.units
    ]


def as_data(old: Ruleset, new: Ruleset, changes: Sequence[Change], impact: Impact | None = None) -> dict[str, Any]:
    return {
        "old": {"year": old.year, "version": old.version},
        "new": {"year": new.year, "version": new.version},
        "changes": [change.as_record() for change in changes],
        "impact": impact_records(impact) if impact is not None else [],
    }


def as_json(old: Ruleset, new: Ruleset, changes: Sequence[Change], impact: Impact | None = None) -> str:
    return json.dumps(as_data(old, new, changes, impact), ensure_ascii=False, indent=2) + "\n"


def notes_only(old: Ruleset, new: Ruleset, impact: Impact) -> str:
    """The re-scoring notes as lines, for stderr beside JSON (whose shape SPEC fixes)."""
    return "".join(f"emulate: {note}\n" for note in impact_notes(old, new, impact))
