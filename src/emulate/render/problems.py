"""Problems as text (`file:line:column: severity CODE message`), JSON or GitHub annotations, and the summary line."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from ..i18n import _
from ..problems import Problem

FORMATS = ("text", "json", "github")


def sort(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line, p.column, p.code, p.message))


_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def one_line(text: str) -> str:
    """`text` with every control character written as an escape (`\\n`, `\\x1b`).

    A file name may hold a line break or a terminal escape, and a text value a line break:
    written raw, either could forge a `file:line:col` line an editor or a CI job trusts.
    """
    return _CONTROLS.sub(lambda found: _NAMED.get(found.group(), f"\\x{ord(found.group()):02x}"), text)


def where(problem: Problem) -> str:
    """`file:line:column`, or `file!sheet!cell` in a workbook (SPEC 8)."""
    if problem.sheet is not None:
        return f"{one_line(problem.file)}!{one_line(problem.sheet)}!{problem.cell}"
    return f"{one_line(problem.file)}:{problem.line}:{problem.column}"


def as_text(problems: Iterable[Problem]) -> str:
    return "".join(f"{where(p)}: {p.severity.value} {p.code} {one_line(p.message)}\n" for p in sort(problems))


def as_json(problems: Iterable[Problem]) -> str:
    return json.dumps([p.as_dict() for p in sort(problems)], ensure_ascii=False, indent=2) + "\n"


def _escape_data(text: str) -> str:
    return one_line(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(problems: Iterable[Problem]) -> str:
    lines = []
    for p in sort(problems):
        level = "error" if p.is_error else "warning"
        if p.sheet is not None:
            lines.append(
                f"::{level} file={_escape_property(p.file)},title={_escape_property(f'emulate {p.code}')}::"
                f"{_escape_data(f'{p.sheet}!{p.cell}: {p.message}')}\n"
            )
            continue
        lines.append(
            f"::{level} file={_escape_property(p.file)},line={max(p.line, 1)},col={max(p.column, 1)},"
            f"title={_escape_property(f'emulate {p.code}')}::{_escape_data(p.message)}\n"
        )
    return "".join(lines)


def render(problems: Iterable[Problem], fmt: str) -> str:
    return {"text": as_text, "json": as_json, "github": as_github}[fmt](problems)


def summary(
    what: str, count: int, problems: list[Problem], reviews: int = 0, meetings: int = 0, assessments: int = 0
) -> str:
    """The last line of check-rules (`what` = "rules") or validate ("submissions"), for stderr.

    validate counts its assessment, review and meeting files apart: they are not submissions.
    """
    errors = sum(p.is_error for p in problems)
    if what != "rules" and (reviews or meetings or assessments):
        parts = [_("{count} submission file(s)").format(count=count)] if count else []
        if assessments:
            parts.append(_("{count} assessment file(s)").format(count=assessments))
        if reviews:
            parts.append(_("{count} review file(s)").format(count=reviews))
        if meetings:
            parts.append(_("{count} meeting file(s)").format(count=meetings))
        checked = ", ".join(parts)
        if not problems:
            return _("{checked} checked: no problems").format(checked=checked)
        return _("{checked} checked: {errors} error(s), {warnings} warning(s) in {files} file(s)").format(
            checked=checked, errors=errors, warnings=len(problems) - errors, files=len({p.file for p in problems})
        )
    if not problems:
        clean = (
            _("{count} ruleset file(s) checked: no problems")
            if what == "rules"
            else _("{count} submission file(s) checked: no problems")
        )
        return clean.format(count=count)
    found = (
        _("{count} ruleset file(s) checked: {errors} error(s), {warnings} warning(s) in {files} file(s)")
        if what == "rules"
        else _("{count} submission file(s) checked: {errors} error(s), {warnings} warning(s) in {files} file(s)")
    )
    return found.format(
        count=count, errors=errors, warnings=len(problems) - errors, files=len({p.file for p in problems})
    )
